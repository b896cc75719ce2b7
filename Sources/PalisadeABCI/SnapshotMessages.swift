import PalisadeProto
import PalisadeTypes

/// A snapshot a peer offers to this (syncing) node, with the app hash the light client verified
/// for its height; sent on the snapshot connection.
public struct OfferSnapshotRequest: ABCIMessage {
    public var snapshot: Snapshot
    public var appHash: Bytes

    public init(snapshot: Snapshot, appHash: Bytes) {
        self.snapshot = snapshot
        self.appHash = appHash
    }

    public var proto: Tendermint_Abci_RequestOfferSnapshot {
        var p = Tendermint_Abci_RequestOfferSnapshot()
        p.snapshot = snapshot.proto
        p.appHash = appHash.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestOfferSnapshot) throws(DecodingError) {
        guard p.hasSnapshot else { throw MessagePath("RequestOfferSnapshot").child("snapshot").error("missing") }
        self.init(snapshot: Snapshot(proto: p.snapshot), appHash: p.appHash.bytes)
    }
}

/// What the app makes of an offered snapshot.
public enum OfferSnapshotResponse: Int, ABCIMessage, CaseIterable {
    /// Restore from it: the node starts fetching chunks.
    case accept = 1
    /// Stop state sync altogether.
    case abort = 2
    /// Not this snapshot; try others.
    case reject = 3
    /// No snapshot of this format; try others.
    case rejectFormat = 4
    /// Nothing from the peers that sent this; try others.
    case rejectSender = 5

    public var proto: Tendermint_Abci_ResponseOfferSnapshot {
        var p = Tendermint_Abci_ResponseOfferSnapshot()
        p.result = Tendermint_Abci_ResponseOfferSnapshot.Result(rawValue: rawValue) ?? .unknown
        return p
    }

    /// CometBFT's state sync fails on `UNKNOWN`, so it is an error here too.
    public init(proto p: Tendermint_Abci_ResponseOfferSnapshot) throws(DecodingError) {
        guard let v = OfferSnapshotResponse(rawValue: p.result.rawValue) else {
            throw MessagePath("ResponseOfferSnapshot").child("result").unknownEnum(p.result.rawValue)
        }
        self = v
    }
}

/// A peer asks this node for a chunk of one of its snapshots; sent on the snapshot connection.
public struct LoadSnapshotChunkRequest: ABCIMessage {
    public var height: UInt64
    public var format: UInt32
    public var chunk: UInt32

    public init(height: UInt64, format: UInt32, chunk: UInt32) {
        self.height = height
        self.format = format
        self.chunk = chunk
    }

    public var proto: Tendermint_Abci_RequestLoadSnapshotChunk {
        var p = Tendermint_Abci_RequestLoadSnapshotChunk()
        p.height = height
        p.format = format
        p.chunk = chunk
        return p
    }

    public init(proto p: Tendermint_Abci_RequestLoadSnapshotChunk) {
        self.init(height: p.height, format: p.format, chunk: p.chunk)
    }
}

/// A chunk of the accepted snapshot, fetched from `sender`, to apply in order.
public struct ApplySnapshotChunkRequest: ABCIMessage {
    public var index: UInt32
    public var chunk: Bytes
    public var sender: String

    public init(index: UInt32, chunk: Bytes, sender: String) {
        self.index = index
        self.chunk = chunk
        self.sender = sender
    }

    public var proto: Tendermint_Abci_RequestApplySnapshotChunk {
        var p = Tendermint_Abci_RequestApplySnapshotChunk()
        p.index = index
        p.chunk = chunk.data
        p.sender = sender
        return p
    }

    public init(proto p: Tendermint_Abci_RequestApplySnapshotChunk) {
        self.init(index: p.index, chunk: p.chunk.bytes, sender: p.sender)
    }
}

/// What the app makes of a chunk, plus chunks to fetch again and senders to stop trusting.
public struct ApplySnapshotChunkResponse: ABCIMessage {
    public enum Result: Int, Sendable, Hashable, CaseIterable {
        case accept = 1
        case abort = 2
        /// Apply this chunk again (after refetching the listed ones).
        case retry = 3
        /// Start this snapshot over.
        case retrySnapshot = 4
        /// Give up on this snapshot; try others.
        case rejectSnapshot = 5
    }

    public var result: Result
    public var refetchChunks: [UInt32]
    public var rejectSenders: [String]

    public init(result: Result, refetchChunks: [UInt32] = [], rejectSenders: [String] = []) {
        self.result = result
        self.refetchChunks = refetchChunks
        self.rejectSenders = rejectSenders
    }

    public var proto: Tendermint_Abci_ResponseApplySnapshotChunk {
        var p = Tendermint_Abci_ResponseApplySnapshotChunk()
        p.result = Tendermint_Abci_ResponseApplySnapshotChunk.Result(rawValue: result.rawValue) ?? .unknown
        p.refetchChunks = refetchChunks
        p.rejectSenders = rejectSenders
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseApplySnapshotChunk) throws(DecodingError) {
        guard let result = Result(rawValue: p.result.rawValue) else {
            throw MessagePath("ResponseApplySnapshotChunk").child("result").unknownEnum(p.result.rawValue)
        }
        self.init(result: result, refetchChunks: p.refetchChunks, rejectSenders: p.rejectSenders)
    }
}
