import Foundation
import PalisadeABCI
import PalisadeProto
import SwiftProtobuf
import Testing

@Suite struct ABCIMessageTests {
    @Test(arguments: ABCISamples.requests)
    func requestRoundTripsThroughBytes(_ request: ABCIRequest) throws {
        let bytes = request.serializedBytes
        #expect(!bytes.isEmpty)
        #expect(try ABCIRequest(serializedBytes: bytes) == request)
        // And through the generated type's own decoder, as a CometBFT peer's bytes would arrive.
        let generated = try Tendermint_Abci_Request(serializedBytes: bytes)
        #expect(try ABCIRequest(proto: generated) == request)
    }

    @Test(arguments: ABCISamples.responses)
    func responseRoundTripsThroughBytes(_ response: ABCIResponse) throws {
        let bytes = response.serializedBytes
        #expect(!bytes.isEmpty)
        #expect(try ABCIResponse(serializedBytes: bytes) == response)
        let generated = try Tendermint_Abci_Response(serializedBytes: bytes)
        #expect(try ABCIResponse(proto: generated) == response)
    }

    @Test func samplesCoverEveryOneofCase() {
        // 16 request methods and 17 responses (with exception) in ABCI 2.0.
        #expect(Set(ABCISamples.requests.map { "\($0.proto.value.map { "\($0)".prefix(while: { $0 != "(" }) } ?? "")" }).count == 16)
        #expect(Set(ABCISamples.responses.map { "\($0.proto.value.map { "\($0)".prefix(while: { $0 != "(" }) } ?? "")" }).count == 17)
    }

    /// Bytes worked out by hand from the field numbers: tag = field << 3 | wire type.
    @Test func goldenBytes() {
        // Request.echo = 1 (0x0A), len 7; RequestEcho.message = 1 (0x0A), len 5, "hello".
        #expect(ABCIRequest.echo("hello").serializedBytes == [0x0A, 0x07, 0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F])
        // Request.flush = 2 (0x12), empty.
        #expect(ABCIRequest.flush.serializedBytes == [0x12, 0x00])
        // Request.commit = 11 (0x5A), empty.
        #expect(ABCIRequest.commit.serializedBytes == [0x5A, 0x00])
        // Request.check_tx = 8 (0x42), len 5: tx = 1 (0x0A) len 1 "a"; type = 2 varint (0x10) RECHECK = 1.
        #expect(ABCIRequest.checkTx(CheckTxRequest(tx: [0x61], type: .recheck)).serializedBytes
            == [0x42, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x01])
        // Response.echo = 2 (0x12).
        #expect(ABCIResponse.echo("hello").serializedBytes == [0x12, 0x07, 0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F])
        // Response.exception = 1 (0x0A): ResponseException.error = 1, "x".
        #expect(ABCIResponse.exception("x").serializedBytes == [0x0A, 0x03, 0x0A, 0x01, 0x78])
        // Response.commit = 12 (0x62): retain_height = 3 varint (0x18) 5; fields 1 and 2 are reserved.
        #expect(ABCIResponse.commit(CommitResponse(retainHeight: 5)).serializedBytes == [0x62, 0x02, 0x18, 0x05])
        // Response.process_proposal = 18 (0x92 0x01): status = 1 varint (0x08) ACCEPT = 1.
        #expect(ABCIResponse.processProposal(.accept).serializedBytes == [0x92, 0x01, 0x02, 0x08, 0x01])
        // Response.finalize_block = 21 (0xAA 0x01): app_hash = 5 (0x2A), len 1.
        #expect(ABCIResponse.finalizeBlock(FinalizeBlockResponse(txResults: [], appHash: [0xFF])).serializedBytes
            == [0xAA, 0x01, 0x03, 0x2A, 0x01, 0xFF])
    }

    @Test func goldenBytesDecode() throws {
        // Request.finalize_block = 20 (0xA2 0x01) is not reachable from an echo's bytes, and an
        // echo's bytes decode to the echo.
        #expect(try ABCIRequest(serializedBytes: [0x0A, 0x07, 0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F]) == .echo("hello"))
        #expect(try ABCIResponse(serializedBytes: [0x92, 0x01, 0x02, 0x08, 0x02]) == .processProposal(.reject))
    }

    @Test func malformedBytesAreNamedErrors() {
        #expect(throws: DecodingError(message: "Request", field: "value", reason: "no request set (unknown or missing method)")) {
            try ABCIRequest(serializedBytes: [])
        }
        // Removed v0.37 methods (BeginBlock = 7) read as no method at all.
        #expect(throws: DecodingError.self) { try ABCIRequest(serializedBytes: [0x3A, 0x00]) }
        #expect(throws: DecodingError.self) { try ABCIRequest(serializedBytes: [0x0A, 0x07, 0x0A]) }
        #expect(throws: DecodingError.self) { try ABCIResponse(serializedBytes: [0xFF]) }
        do {
            _ = try ABCIResponse(serializedBytes: [0x0A, 0x05])
            Issue.record("truncated response decoded")
        } catch {
            #expect(error.message == "Response")
            #expect(error.field == "exception")
        }
        // finalize_block = 20 whose RequestFinalizeBlock holds a truncated field: the method is named.
        do {
            _ = try ABCIRequest(serializedBytes: [0xA2, 0x01, 0x02, 0x0A, 0x05])
            Issue.record("broken finalize_block decoded")
        } catch {
            #expect(error.message == "Request")
            #expect(error.field == "finalize_block")
        }
        // A broken varint in check_tx.type (field 8, inner field 2).
        do {
            _ = try ABCIRequest(serializedBytes: [0x42, 0x02, 0x10, 0xFF])
            Issue.record("broken check_tx decoded")
        } catch {
            #expect(error.field == "check_tx")
        }
    }

    @Test func outOfRangeFieldsNameMessageAndField() throws {
        var finalize = ABCISamples.requests.compactMap { if case .finalizeBlock(let r) = $0 { r.proto } else { nil } }[0]
        finalize.proposerAddress = Data([1, 2, 3])
        #expect(throws: DecodingError(message: "RequestFinalizeBlock", field: "proposer_address", reason: "3 bytes, want 20")) {
            try FinalizeBlockRequest(proto: finalize)
        }
        finalize = FinalizeBlockRequest(txs: [], hash: ABCISamples.hash, height: 1, time: ABCISamples.time,
                                        nextValidatorsHash: ABCISamples.valsHash, proposerAddress: ABCISamples.key1.address).proto
        finalize.decidedLastCommit.votes = [ABCISamples.commitInfo.votes[0].proto]
        finalize.decidedLastCommit.votes[0].blockIDFlag = .unknown
        do {
            _ = try FinalizeBlockRequest(proto: finalize)
            Issue.record("unknown block_id_flag decoded")
        } catch {
            #expect(error.message == "RequestFinalizeBlock")
            #expect(error.field == "decided_last_commit.votes[0].block_id_flag")
        }
        finalize.decidedLastCommit.votes = []
        finalize.height = 0
        #expect(throws: DecodingError.self) { try FinalizeBlockRequest(proto: finalize) }
        finalize.height = 1
        finalize.time.nanos = -1
        #expect(throws: DecodingError(message: "RequestFinalizeBlock", field: "time", reason: "nanos -1 out of range")) {
            try FinalizeBlockRequest(proto: finalize)
        }

        var status = Tendermint_Abci_ResponseProcessProposal()
        status.status = .unknown
        #expect(throws: DecodingError(message: "ResponseProcessProposal", field: "status", reason: "unknown value 0")) {
            try ProcessProposalResponse(proto: status)
        }

        var finalizeResponse = Tendermint_Abci_ResponseFinalizeBlock()
        var update = ABCISamples.updates[0].proto
        update.pubKey.ed25519 = Data([1])
        finalizeResponse.validatorUpdates = [ABCISamples.updates[1].proto, update]
        #expect(throws: DecodingError(message: "ResponseFinalizeBlock", field: "validator_updates[1].pub_key.ed25519",
                                      reason: "1 bytes, want 32")) {
            try FinalizeBlockResponse(proto: finalizeResponse)
        }
        update = ABCISamples.updates[0].proto
        update.power = -1
        finalizeResponse.validatorUpdates = [update]
        #expect(throws: DecodingError.self) { try FinalizeBlockResponse(proto: finalizeResponse) }
    }

    @Test func partialParamUpdatesKeepTheirSections() throws {
        let update = ConsensusParamsUpdate(block: .init(maxBytes: 5, maxGas: 6))
        let decoded = try FinalizeBlockResponse(proto: FinalizeBlockResponse(txResults: [], consensusParamUpdates: update, appHash: []).proto)
        #expect(decoded.consensusParamUpdates == update)
        #expect(update.applied(to: ConsensusParams()).evidence == ConsensusParams().evidence)
        #expect(update.applied(to: ConsensusParams()).block.maxBytes == 5)
    }

    @Test func txResultKeepsItsDeterministicPart() {
        let result = TxResult(code: 3, data: [1], log: "x", gasWanted: 4, gasUsed: 2, events: ABCISamples.events)
        #expect(result.deterministic == ExecTxResult(code: 3, data: [1], gasWanted: 4, gasUsed: 2))
    }
}

extension ValidatorUpdate {
    var proto: Tendermint_Abci_ValidatorUpdate {
        var p = Tendermint_Abci_ValidatorUpdate()
        p.pubKey.ed25519 = Data(publicKey.bytes)
        p.power = power
        return p
    }
}
