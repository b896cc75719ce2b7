import Foundation
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// One ABCI 2.0 request as the socket carries it (`tendermint.abci.Request`'s oneof), in Swift.
/// `echo` and `flush` belong to the connection, not the app; `commit` and `listSnapshots` carry
/// no fields.
public enum ABCIRequest: Sendable, Hashable {
    case echo(String)
    case flush
    case info(InfoRequest)
    case initChain(InitChainRequest)
    case query(QueryRequest)
    case checkTx(CheckTxRequest)
    case commit
    case listSnapshots
    case offerSnapshot(OfferSnapshotRequest)
    case loadSnapshotChunk(LoadSnapshotChunkRequest)
    case applySnapshotChunk(ApplySnapshotChunkRequest)
    case prepareProposal(PrepareProposalRequest)
    case processProposal(ProcessProposalRequest)
    case extendVote(ExtendVoteRequest)
    case verifyVoteExtension(VerifyVoteExtensionRequest)
    case finalizeBlock(FinalizeBlockRequest)

    public var proto: Tendermint_Abci_Request {
        var p = Tendermint_Abci_Request()
        switch self {
        case .echo(let message):
            var e = Tendermint_Abci_RequestEcho()
            e.message = message
            p.echo = e
        case .flush: p.flush = Tendermint_Abci_RequestFlush()
        case .info(let r): p.info = r.proto
        case .initChain(let r): p.initChain = r.proto
        case .query(let r): p.query = r.proto
        case .checkTx(let r): p.checkTx = r.proto
        case .commit: p.commit = Tendermint_Abci_RequestCommit()
        case .listSnapshots: p.listSnapshots = Tendermint_Abci_RequestListSnapshots()
        case .offerSnapshot(let r): p.offerSnapshot = r.proto
        case .loadSnapshotChunk(let r): p.loadSnapshotChunk = r.proto
        case .applySnapshotChunk(let r): p.applySnapshotChunk = r.proto
        case .prepareProposal(let r): p.prepareProposal = r.proto
        case .processProposal(let r): p.processProposal = r.proto
        case .extendVote(let r): p.extendVote = r.proto
        case .verifyVoteExtension(let r): p.verifyVoteExtension = r.proto
        case .finalizeBlock(let r): p.finalizeBlock = r.proto
        }
        return p
    }

    public init(proto p: Tendermint_Abci_Request) throws(DecodingError) {
        switch p.value {
        case .echo(let r): self = .echo(r.message)
        case .flush: self = .flush
        case .info(let r): self = .info(InfoRequest(proto: r))
        case .initChain(let r): self = .initChain(try InitChainRequest(proto: r))
        case .query(let r): self = .query(try QueryRequest(proto: r))
        case .checkTx(let r): self = .checkTx(try CheckTxRequest(proto: r))
        case .commit: self = .commit
        case .listSnapshots: self = .listSnapshots
        case .offerSnapshot(let r): self = .offerSnapshot(try OfferSnapshotRequest(proto: r))
        case .loadSnapshotChunk(let r): self = .loadSnapshotChunk(LoadSnapshotChunkRequest(proto: r))
        case .applySnapshotChunk(let r): self = .applySnapshotChunk(ApplySnapshotChunkRequest(proto: r))
        case .prepareProposal(let r): self = .prepareProposal(try PrepareProposalRequest(proto: r))
        case .processProposal(let r): self = .processProposal(try ProcessProposalRequest(proto: r))
        case .extendVote(let r): self = .extendVote(try ExtendVoteRequest(proto: r))
        case .verifyVoteExtension(let r): self = .verifyVoteExtension(try VerifyVoteExtensionRequest(proto: r))
        case .finalizeBlock(let r): self = .finalizeBlock(try FinalizeBlockRequest(proto: r))
        case nil: throw MessagePath("Request").child("value").error("no request set (unknown or missing method)")
        }
    }

    /// The message's protobuf bytes (without the socket's length prefix).
    public var serializedBytes: Bytes { ABCIWire.encode(proto) }

    /// From protobuf bytes; malformed bytes and out-of-range fields are errors naming the field.
    public init(serializedBytes bytes: Bytes) throws(DecodingError) {
        try self.init(proto: ABCIWire.decode(Tendermint_Abci_Request.self, from: bytes, message: "Request",
                                             fieldNames: ABCIWire.requestFields))
    }
}
