import PalisadeProto
import PalisadeTypes

/// Sent on the consensus connection before this validator precommits for a block (only from the
/// height vote extensions are enabled): the app may attach data to the precommit, which the next
/// proposer then sees in `PrepareProposal`.
public struct ExtendVoteRequest: ABCIMessage {
    public var hash: Bytes
    public var height: Int64
    public var time: Timestamp
    public var txs: [Bytes]
    public var proposedLastCommit: CommitInfo
    public var misbehavior: [Misbehavior]
    public var nextValidatorsHash: Bytes
    public var proposerAddress: Address

    public init(hash: Bytes, height: Int64, time: Timestamp, txs: [Bytes], proposedLastCommit: CommitInfo = CommitInfo(),
                misbehavior: [Misbehavior] = [], nextValidatorsHash: Bytes, proposerAddress: Address) {
        self.hash = hash
        self.height = height
        self.time = time
        self.txs = txs
        self.proposedLastCommit = proposedLastCommit
        self.misbehavior = misbehavior
        self.nextValidatorsHash = nextValidatorsHash
        self.proposerAddress = proposerAddress
    }

    public var proto: Tendermint_Abci_RequestExtendVote {
        var p = Tendermint_Abci_RequestExtendVote()
        p.hash = hash.data
        p.height = height
        p.time = time.abciProto
        p.txs = txs.map(\.data)
        p.proposedLastCommit = proposedLastCommit.proto
        p.misbehavior = misbehavior.map(\.proto)
        p.nextValidatorsHash = nextValidatorsHash.data
        p.proposerAddress = proposerAddress.bytes.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestExtendVote) throws(DecodingError) {
        let path = MessagePath("RequestExtendVote")
        self.init(hash: try path.child("hash").hash(p.hash),
                  height: try path.child("height").positiveHeight(p.height),
                  time: try path.child("time").timestamp(p.time), txs: p.txs.map(\.bytes),
                  proposedLastCommit: try CommitInfo(proto: p.proposedLastCommit, at: path.child("proposed_last_commit")),
                  misbehavior: try Misbehavior.decodeList(p.misbehavior, at: path.child("misbehavior")),
                  nextValidatorsHash: try path.child("next_validators_hash").hash(p.nextValidatorsHash),
                  proposerAddress: try path.child("proposer_address").address(p.proposerAddress))
    }
}

/// The data to attach to this validator's precommit (may be empty). Not deterministic.
public struct ExtendVoteResponse: ABCIMessage {
    public var voteExtension: Bytes

    public init(voteExtension: Bytes = []) { self.voteExtension = voteExtension }

    public var proto: Tendermint_Abci_ResponseExtendVote {
        var p = Tendermint_Abci_ResponseExtendVote()
        p.voteExtension = voteExtension.data
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseExtendVote) { self.init(voteExtension: p.voteExtension.bytes) }
}

/// Sent on the consensus connection for each precommit with an extension received from another
/// validator, before the node counts that precommit.
public struct VerifyVoteExtensionRequest: ABCIMessage {
    public var hash: Bytes
    public var validatorAddress: Address
    public var height: Int64
    public var voteExtension: Bytes

    public init(hash: Bytes, validatorAddress: Address, height: Int64, voteExtension: Bytes) {
        self.hash = hash
        self.validatorAddress = validatorAddress
        self.height = height
        self.voteExtension = voteExtension
    }

    public var proto: Tendermint_Abci_RequestVerifyVoteExtension {
        var p = Tendermint_Abci_RequestVerifyVoteExtension()
        p.hash = hash.data
        p.validatorAddress = validatorAddress.bytes.data
        p.height = height
        p.voteExtension = voteExtension.data
        return p
    }

    public init(proto p: Tendermint_Abci_RequestVerifyVoteExtension) throws(DecodingError) {
        let path = MessagePath("RequestVerifyVoteExtension")
        self.init(hash: try path.child("hash").hash(p.hash),
                  validatorAddress: try path.child("validator_address").address(p.validatorAddress),
                  height: try path.child("height").positiveHeight(p.height), voteExtension: p.voteExtension.bytes)
    }
}

/// Rejecting discards the sender's whole precommit, so an app must accept every extension an
/// honest validator could produce.
public enum VerifyVoteExtensionResponse: ABCIMessage {
    case accept
    case reject

    public var proto: Tendermint_Abci_ResponseVerifyVoteExtension {
        var p = Tendermint_Abci_ResponseVerifyVoteExtension()
        p.status = self == .accept ? .accept : .reject
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseVerifyVoteExtension) throws(DecodingError) {
        switch p.status {
        case .accept: self = .accept
        case .reject: self = .reject
        case .unknown, .UNRECOGNIZED:
            throw MessagePath("ResponseVerifyVoteExtension").child("status").unknownEnum(p.status.rawValue)
        }
    }
}
