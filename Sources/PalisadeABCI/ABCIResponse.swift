import Foundation
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// One ABCI 2.0 response (`tendermint.abci.Response`'s oneof), in Swift. `exception` is how an
/// app reports that it could not serve a request at all; the node treats it as fatal.
public enum ABCIResponse: Sendable, Hashable {
    case exception(String)
    case echo(String)
    case flush
    case info(InfoResponse)
    case initChain(InitChainResponse)
    case query(QueryResponse)
    case checkTx(CheckTxResponse)
    case commit(CommitResponse)
    case listSnapshots([Snapshot])
    case offerSnapshot(OfferSnapshotResponse)
    case loadSnapshotChunk(Bytes)
    case applySnapshotChunk(ApplySnapshotChunkResponse)
    case prepareProposal(PrepareProposalResponse)
    case processProposal(ProcessProposalResponse)
    case extendVote(ExtendVoteResponse)
    case verifyVoteExtension(VerifyVoteExtensionResponse)
    case finalizeBlock(FinalizeBlockResponse)

    public var proto: Tendermint_Abci_Response {
        var p = Tendermint_Abci_Response()
        switch self {
        case .exception(let error):
            var e = Tendermint_Abci_ResponseException()
            e.error = error
            p.exception = e
        case .echo(let message):
            var e = Tendermint_Abci_ResponseEcho()
            e.message = message
            p.echo = e
        case .flush: p.flush = Tendermint_Abci_ResponseFlush()
        case .info(let r): p.info = r.proto
        case .initChain(let r): p.initChain = r.proto
        case .query(let r): p.query = r.proto
        case .checkTx(let r): p.checkTx = r.proto
        case .commit(let r): p.commit = r.proto
        case .listSnapshots(let snapshots):
            var l = Tendermint_Abci_ResponseListSnapshots()
            l.snapshots = snapshots.map(\.proto)
            p.listSnapshots = l
        case .offerSnapshot(let r): p.offerSnapshot = r.proto
        case .loadSnapshotChunk(let chunk):
            var l = Tendermint_Abci_ResponseLoadSnapshotChunk()
            l.chunk = chunk.data
            p.loadSnapshotChunk = l
        case .applySnapshotChunk(let r): p.applySnapshotChunk = r.proto
        case .prepareProposal(let r): p.prepareProposal = r.proto
        case .processProposal(let r): p.processProposal = r.proto
        case .extendVote(let r): p.extendVote = r.proto
        case .verifyVoteExtension(let r): p.verifyVoteExtension = r.proto
        case .finalizeBlock(let r): p.finalizeBlock = r.proto
        }
        return p
    }

    public init(proto p: Tendermint_Abci_Response) throws(DecodingError) {
        switch p.value {
        case .exception(let r): self = .exception(r.error)
        case .echo(let r): self = .echo(r.message)
        case .flush: self = .flush
        case .info(let r): self = .info(try InfoResponse(proto: r))
        case .initChain(let r): self = .initChain(try InitChainResponse(proto: r))
        case .query(let r): self = .query(try QueryResponse(proto: r))
        case .checkTx(let r): self = .checkTx(CheckTxResponse(proto: r))
        case .commit(let r): self = .commit(try CommitResponse(proto: r))
        case .listSnapshots(let r): self = .listSnapshots(r.snapshots.map(Snapshot.init(proto:)))
        case .offerSnapshot(let r): self = .offerSnapshot(try OfferSnapshotResponse(proto: r))
        case .loadSnapshotChunk(let r): self = .loadSnapshotChunk(r.chunk.bytes)
        case .applySnapshotChunk(let r): self = .applySnapshotChunk(try ApplySnapshotChunkResponse(proto: r))
        case .prepareProposal(let r): self = .prepareProposal(PrepareProposalResponse(proto: r))
        case .processProposal(let r): self = .processProposal(try ProcessProposalResponse(proto: r))
        case .extendVote(let r): self = .extendVote(ExtendVoteResponse(proto: r))
        case .verifyVoteExtension(let r): self = .verifyVoteExtension(try VerifyVoteExtensionResponse(proto: r))
        case .finalizeBlock(let r): self = .finalizeBlock(try FinalizeBlockResponse(proto: r))
        case nil: throw MessagePath("Response").child("value").error("no response set (unknown or missing method)")
        }
    }

    public var serializedBytes: Bytes { ABCIWire.encode(proto) }

    public init(serializedBytes bytes: Bytes) throws(DecodingError) {
        try self.init(proto: ABCIWire.decode(Tendermint_Abci_Response.self, from: bytes, message: "Response",
                                             fieldNames: ABCIWire.responseFields))
    }
}
