import PalisadeCrypto
import Foundation
import PalisadeProto
@testable import PalisadeTypes
import Testing

@Suite struct HeaderTests {
    /// CometBFT's `TestHeaderHash` vector: every hash field is SHA-256 of its own name.
    static func vectorHeader() throws -> Header {
        func named(_ name: String) -> Bytes { SHA256Hash.digest(Array(name.utf8)) }
        let zero32 = Bytes(repeating: 0, count: 32)
        return Header(
            version: ConsensusVersion(block: 1, app: 2), chainID: "chainId", height: 3,
            time: try #require(Timestamp(rfc3339: "2019-10-13T16:14:44Z")),
            lastBlockID: BlockID(hash: zero32, partSetHeader: PartSetHeader(total: 6, hash: zero32)),
            lastCommitHash: named("last_commit_hash"), dataHash: named("data_hash"),
            validatorsHash: named("validators_hash"), nextValidatorsHash: named("next_validators_hash"),
            consensusHash: named("consensus_hash"), appHash: named("app_hash"),
            lastResultsHash: named("last_results_hash"), evidenceHash: named("evidence_hash"),
            proposerAddress: Address(bytes: Bytes(named("proposer_address").prefix(20))))
    }

    @Test func cometBFTHeaderHashVector() throws {
        let vector = try #require(try Fixtures.json("vectors.json")["header_hash"] as? [String: Any])
        let expected = try #require(vector["expected_hash"] as? String)
        #expect(try Self.vectorHeader().hash().upperHex == expected)
        #expect(expected.hasPrefix("F740121F"))
    }

    /// A real header from a CometBFT 0.38 chain hashes to the block ID its node reported.
    @Test func realChainHeaderAtHeight10() throws {
        let result = try RPCFixtures.block10()
        let header = try RPCFixtures.header(try RPCFixtures.dict(try RPCFixtures.dict(result, "block"), "header"))
        let blockID = try RPCFixtures.blockID(try RPCFixtures.dict(result, "block_id"))
        #expect(header.hash() == blockID.hash)
        #expect(header.hash().upperHex.hasPrefix("00ECDAC4"))
    }

    @Test func noValidatorsHashMeansNoHash() throws {
        var header = try Self.vectorHeader()
        header.validatorsHash = []
        #expect(header.hash().isEmpty)
    }

    @Test func protoRoundTrip() throws {
        var header = try Self.vectorHeader()
        header.version = ConsensusVersion(block: 11, app: 7)
        let decoded = try Header(protobuf: header.protobuf)
        #expect(decoded == header)
        #expect(decoded.hash() == header.hash())
    }

    @Test func realHeaderSurvivesProto() throws {
        let result = try RPCFixtures.block10()
        let header = try RPCFixtures.header(try RPCFixtures.dict(try RPCFixtures.dict(result, "block"), "header"))
        #expect(try Header(protobuf: header.protobuf) == header)
    }

    @Test func zeroLastBlockIDStillWritesPartSetHeader() {
        // gogoproto writes non-nullable messages even when empty; the header hash depends on it.
        #expect(CanonicalEncoding.encode(BlockID.zero.proto) == [0x12, 0x00])
    }

    @Test func rejectsBadFields() throws {
        let good = try Self.vectorHeader()
        var header = good
        header.version.block = 11
        var p = header.proto
        p.dataHash = Data([1, 2, 3])
        #expect(throws: DecodingError(message: "Header", field: "data_hash", reason: "hash of 3 bytes, want 0 or 32")) {
            try Header(proto: p)
        }
        p = header.proto
        p.proposerAddress = Data([1])
        #expect { try Header(proto: p) } throws: { ($0 as? DecodingError)?.field == "proposer_address" }
        p = header.proto
        p.height = 0
        #expect { try Header(proto: p) } throws: { ($0 as? DecodingError)?.field == "height" }
        p = header.proto
        p.version.block = 10
        #expect { try Header(proto: p) } throws: { ($0 as? DecodingError)?.field == "version.block" }
        p = header.proto
        p.lastBlockID.partSetHeader.hash = Data([9])
        #expect { try Header(proto: p) } throws: { ($0 as? DecodingError)?.field == "last_block_id.part_set_header.hash" }
        p = header.proto
        p.time.nanos = -1
        #expect { try Header(proto: p) } throws: { ($0 as? DecodingError)?.field == "time" }
    }

    @Test func truncatedBytesNameTheField() throws {
        var header = try Self.vectorHeader()
        header.version.block = 11
        let bytes = header.protobuf
        for cut in 1..<bytes.count {
            #expect(throws: DecodingError.self) { try Header(protobuf: Bytes(bytes.prefix(cut))) }
        }
        // Cut inside the chain ID (field 2, right after the 4-byte version field).
        #expect { try Header(protobuf: Bytes(bytes.prefix(8))) } throws: {
            let error = $0 as? DecodingError
            return error?.message == "Header" && error?.field == "chain_id"
        }
    }
}
