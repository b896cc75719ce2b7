import PalisadeProto
import PalisadeTypes

/// Sent on the consensus connection when this node proposes: the mempool's transactions, which the
/// app may reorder, drop, or add to, as long as the total stays within `maxTxBytes`.
public struct PrepareProposalRequest: ABCIMessage {
    public var maxTxBytes: Int64
    public var txs: [Bytes]
    public var localLastCommit: ExtendedCommitInfo
    public var misbehavior: [Misbehavior]
    public var height: Int64
    public var time: Timestamp
    public var nextValidatorsHash: Bytes
    public var proposerAddress: Address

    public init(maxTxBytes: Int64, txs: [Bytes], localLastCommit: ExtendedCommitInfo = ExtendedCommitInfo(),
                misbehavior: [Misbehavior] = [], height: Int64, time: Timestamp, nextValidatorsHash: Bytes,
                proposerAddress: Address) {
        self.maxTxBytes = maxTxBytes
        self.txs = txs
        self.localLastCommit = localLastCommit
        self.misbehavior = misbehavior
        self.height = height
        self.time = time
        self.nextValidatorsHash = nextValidatorsHash
        self.proposerAddress = proposerAddress
    }

    public var proto: Tendermint_Abci_RequestPrepareProposal {
        var p = Tendermint_Abci_RequestPrepareProposal()
        p.maxTxBytes = maxTxBytes
        p.txs = txs.map(\.data)
        p.localLastCommit = localLastCommit.proto
        p.misbehavior = misbehavior.map(\.proto)
        p.height = height
        p.time = time.abciProto
        p.nextValidatorsHash = nextValidatorsHash.data
        p.proposerAddress = proposerAddress.bytes.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestPrepareProposal) throws(DecodingError) {
        let path = MessagePath("RequestPrepareProposal")
        guard p.maxTxBytes >= 0 else { throw path.child("max_tx_bytes").error("cannot be negative, got \(p.maxTxBytes)") }
        self.init(maxTxBytes: p.maxTxBytes, txs: p.txs.map(\.bytes),
                  localLastCommit: try ExtendedCommitInfo(proto: p.localLastCommit, at: path.child("local_last_commit")),
                  misbehavior: try Misbehavior.decodeList(p.misbehavior, at: path.child("misbehavior")),
                  height: try path.child("height").positiveHeight(p.height),
                  time: try path.child("time").timestamp(p.time),
                  nextValidatorsHash: try path.child("next_validators_hash").hash(p.nextValidatorsHash),
                  proposerAddress: try path.child("proposer_address").address(p.proposerAddress))
    }
}

/// The transactions the proposal will carry, in block order.
public struct PrepareProposalResponse: ABCIMessage {
    public var txs: [Bytes]

    public init(txs: [Bytes]) { self.txs = txs }

    public var proto: Tendermint_Abci_ResponsePrepareProposal {
        var p = Tendermint_Abci_ResponsePrepareProposal()
        p.txs = txs.map(\.data)
        return p
    }

    public init(proto p: Tendermint_Abci_ResponsePrepareProposal) { self.init(txs: p.txs.map(\.bytes)) }
}

/// Sent on the consensus connection when a complete proposal arrives, before this validator
/// prevotes: the app may reject a block it would not execute.
public struct ProcessProposalRequest: ABCIMessage {
    public var txs: [Bytes]
    public var proposedLastCommit: CommitInfo
    public var misbehavior: [Misbehavior]
    public var hash: Bytes
    public var height: Int64
    public var time: Timestamp
    public var nextValidatorsHash: Bytes
    public var proposerAddress: Address

    public init(txs: [Bytes], proposedLastCommit: CommitInfo = CommitInfo(), misbehavior: [Misbehavior] = [],
                hash: Bytes, height: Int64, time: Timestamp, nextValidatorsHash: Bytes, proposerAddress: Address) {
        self.txs = txs
        self.proposedLastCommit = proposedLastCommit
        self.misbehavior = misbehavior
        self.hash = hash
        self.height = height
        self.time = time
        self.nextValidatorsHash = nextValidatorsHash
        self.proposerAddress = proposerAddress
    }

    public var proto: Tendermint_Abci_RequestProcessProposal {
        var p = Tendermint_Abci_RequestProcessProposal()
        p.txs = txs.map(\.data)
        p.proposedLastCommit = proposedLastCommit.proto
        p.misbehavior = misbehavior.map(\.proto)
        p.hash = hash.data
        p.height = height
        p.time = time.abciProto
        p.nextValidatorsHash = nextValidatorsHash.data
        p.proposerAddress = proposerAddress.bytes.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestProcessProposal) throws(DecodingError) {
        let path = MessagePath("RequestProcessProposal")
        self.init(txs: p.txs.map(\.bytes),
                  proposedLastCommit: try CommitInfo(proto: p.proposedLastCommit, at: path.child("proposed_last_commit")),
                  misbehavior: try Misbehavior.decodeList(p.misbehavior, at: path.child("misbehavior")),
                  hash: try path.child("hash").hash(p.hash),
                  height: try path.child("height").positiveHeight(p.height),
                  time: try path.child("time").timestamp(p.time),
                  nextValidatorsHash: try path.child("next_validators_hash").hash(p.nextValidatorsHash),
                  proposerAddress: try path.child("proposer_address").address(p.proposerAddress))
    }
}

/// Accepting lets this validator prevote for the block; rejecting makes it prevote nil. Honest
/// apps must accept every block an honest proposer could build, or the chain loses liveness.
public enum ProcessProposalResponse: ABCIMessage {
    case accept
    case reject

    public var proto: Tendermint_Abci_ResponseProcessProposal {
        var p = Tendermint_Abci_ResponseProcessProposal()
        p.status = self == .accept ? .accept : .reject
        return p
    }

    /// CometBFT treats `UNKNOWN` as a broken app, so it is an error here too.
    public init(proto p: Tendermint_Abci_ResponseProcessProposal) throws(DecodingError) {
        switch p.status {
        case .accept: self = .accept
        case .reject: self = .reject
        case .unknown, .UNRECOGNIZED:
            throw MessagePath("ResponseProcessProposal").child("status").unknownEnum(p.status.rawValue)
        }
    }
}
