import PalisadeABCI

/// The four connections CometBFT opens to an app, each its own socket, so a slow `CheckTx` never
/// holds up `FinalizeBlock` and a long query never holds up either.
public enum ABCIConnectionKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case consensus
    case mempool
    case query
    case snapshot

    public var description: String { rawValue }
}

/// An ABCI method by its CometBFT name, for matching a response to its request and for naming
/// the call in an error.
public enum ABCIMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case echo = "Echo"
    case flush = "Flush"
    case info = "Info"
    case initChain = "InitChain"
    case query = "Query"
    case checkTx = "CheckTx"
    case commit = "Commit"
    case listSnapshots = "ListSnapshots"
    case offerSnapshot = "OfferSnapshot"
    case loadSnapshotChunk = "LoadSnapshotChunk"
    case applySnapshotChunk = "ApplySnapshotChunk"
    case prepareProposal = "PrepareProposal"
    case processProposal = "ProcessProposal"
    case extendVote = "ExtendVote"
    case verifyVoteExtension = "VerifyVoteExtension"
    case finalizeBlock = "FinalizeBlock"

    public var description: String { rawValue }

    public init(_ request: ABCIRequest) {
        switch request {
        case .echo: self = .echo
        case .flush: self = .flush
        case .info: self = .info
        case .initChain: self = .initChain
        case .query: self = .query
        case .checkTx: self = .checkTx
        case .commit: self = .commit
        case .listSnapshots: self = .listSnapshots
        case .offerSnapshot: self = .offerSnapshot
        case .loadSnapshotChunk: self = .loadSnapshotChunk
        case .applySnapshotChunk: self = .applySnapshotChunk
        case .prepareProposal: self = .prepareProposal
        case .processProposal: self = .processProposal
        case .extendVote: self = .extendVote
        case .verifyVoteExtension: self = .verifyVoteExtension
        case .finalizeBlock: self = .finalizeBlock
        }
    }

    /// The method a response answers; nil for `exception`, which answers any of them.
    public init?(_ response: ABCIResponse) {
        switch response {
        case .exception: return nil
        case .echo: self = .echo
        case .flush: self = .flush
        case .info: self = .info
        case .initChain: self = .initChain
        case .query: self = .query
        case .checkTx: self = .checkTx
        case .commit: self = .commit
        case .listSnapshots: self = .listSnapshots
        case .offerSnapshot: self = .offerSnapshot
        case .loadSnapshotChunk: self = .loadSnapshotChunk
        case .applySnapshotChunk: self = .applySnapshotChunk
        case .prepareProposal: self = .prepareProposal
        case .processProposal: self = .processProposal
        case .extendVote: self = .extendVote
        case .verifyVoteExtension: self = .verifyVoteExtension
        case .finalizeBlock: self = .finalizeBlock
        }
    }

    /// The connection CometBFT sends this method on (`echo` and `flush` go on any of them).
    public var connection: ABCIConnectionKind {
        switch self {
        case .echo, .flush, .info, .query: .query
        case .checkTx: .mempool
        case .initChain, .prepareProposal, .processProposal, .extendVote, .verifyVoteExtension, .finalizeBlock, .commit:
            .consensus
        case .listSnapshots, .offerSnapshot, .loadSnapshotChunk, .applySnapshotChunk: .snapshot
        }
    }
}
