import PalisadeCrypto
import PalisadeProto
import PalisadeTypes

/// How one validator of the previous height's set took part in its commit: who it is (address and
/// power, ABCI's `Validator`) and whether its precommit was for the block, for nil, or absent.
/// Apps use this to reward signers and track liveness.
public struct VoteInfo: Sendable, Hashable {
    public var address: Address
    public var power: Int64
    public var blockIDFlag: BlockIDFlag

    public init(address: Address, power: Int64, blockIDFlag: BlockIDFlag) {
        self.address = address
        self.power = power
        self.blockIDFlag = blockIDFlag
    }

    public var proto: Tendermint_Abci_VoteInfo {
        var p = Tendermint_Abci_VoteInfo()
        p.validator = abciValidator(address, power)
        p.blockIDFlag = blockIDFlagProto(blockIDFlag)
        return p
    }

    init(proto p: Tendermint_Abci_VoteInfo, at path: MessagePath) throws(DecodingError) {
        let (address, power) = try decodeValidator(p.validator, at: path.child("validator"))
        self.init(address: address, power: power, blockIDFlag: try decodeBlockIDFlag(p.blockIDFlag, at: path.child("block_id_flag")))
    }
}

/// The previous height's commit as the app sees it: the round it was decided in and one entry
/// per validator of that height's set, in the set's order.
public struct CommitInfo: Sendable, Hashable {
    public var round: Int32
    public var votes: [VoteInfo]

    public init(round: Int32 = 0, votes: [VoteInfo] = []) {
        self.round = round
        self.votes = votes
    }

    public var proto: Tendermint_Abci_CommitInfo {
        var p = Tendermint_Abci_CommitInfo()
        p.round = round
        p.votes = votes.map(\.proto)
        return p
    }

    init(proto p: Tendermint_Abci_CommitInfo, at path: MessagePath) throws(DecodingError) {
        guard p.round >= 0 else { throw path.child("round").error("cannot be negative, got \(p.round)") }
        var votes: [VoteInfo] = []
        votes.reserveCapacity(p.votes.count)
        for (i, v) in p.votes.enumerated() { votes.append(try VoteInfo(proto: v, at: path.child("votes").index(i))) }
        self.init(round: p.round, votes: votes)
    }
}

/// A `VoteInfo` with the vote extension the validator's app attached to its precommit (and
/// CometBFT's signature over it). Only the proposer sees these, in `PrepareProposal`.
public struct ExtendedVoteInfo: Sendable, Hashable {
    public var address: Address
    public var power: Int64
    public var voteExtension: Bytes
    public var extensionSignature: Bytes
    public var blockIDFlag: BlockIDFlag

    public init(address: Address, power: Int64, voteExtension: Bytes = [], extensionSignature: Bytes = [],
                blockIDFlag: BlockIDFlag) {
        self.address = address
        self.power = power
        self.voteExtension = voteExtension
        self.extensionSignature = extensionSignature
        self.blockIDFlag = blockIDFlag
    }

    public var proto: Tendermint_Abci_ExtendedVoteInfo {
        var p = Tendermint_Abci_ExtendedVoteInfo()
        p.validator = abciValidator(address, power)
        p.voteExtension = voteExtension.data
        p.extensionSignature = extensionSignature.data
        p.blockIDFlag = blockIDFlagProto(blockIDFlag)
        return p
    }

    init(proto p: Tendermint_Abci_ExtendedVoteInfo, at path: MessagePath) throws(DecodingError) {
        let (address, power) = try decodeValidator(p.validator, at: path.child("validator"))
        self.init(address: address, power: power, voteExtension: p.voteExtension.bytes,
                  extensionSignature: p.extensionSignature.bytes,
                  blockIDFlag: try decodeBlockIDFlag(p.blockIDFlag, at: path.child("block_id_flag")))
    }
}

/// `CommitInfo` with vote extensions, as the proposer's node saw the previous commit.
public struct ExtendedCommitInfo: Sendable, Hashable {
    public var round: Int32
    public var votes: [ExtendedVoteInfo]

    public init(round: Int32 = 0, votes: [ExtendedVoteInfo] = []) {
        self.round = round
        self.votes = votes
    }

    public var proto: Tendermint_Abci_ExtendedCommitInfo {
        var p = Tendermint_Abci_ExtendedCommitInfo()
        p.round = round
        p.votes = votes.map(\.proto)
        return p
    }

    init(proto p: Tendermint_Abci_ExtendedCommitInfo, at path: MessagePath) throws(DecodingError) {
        guard p.round >= 0 else { throw path.child("round").error("cannot be negative, got \(p.round)") }
        var votes: [ExtendedVoteInfo] = []
        votes.reserveCapacity(p.votes.count)
        for (i, v) in p.votes.enumerated() {
            votes.append(try ExtendedVoteInfo(proto: v, at: path.child("votes").index(i)))
        }
        self.init(round: p.round, votes: votes)
    }
}

func abciValidator(_ address: Address, _ power: Int64) -> Tendermint_Abci_Validator {
    var v = Tendermint_Abci_Validator()
    v.address = address.bytes.data
    v.power = power
    return v
}

func decodeValidator(_ v: Tendermint_Abci_Validator, at path: MessagePath) throws(DecodingError) -> (Address, Int64) {
    let address = try path.child("address").address(v.address)
    guard v.power >= 0 else { throw path.child("power").error("cannot be negative, got \(v.power)") }
    return (address, v.power)
}

func blockIDFlagProto(_ flag: BlockIDFlag) -> Tendermint_Types_BlockIDFlag {
    Tendermint_Types_BlockIDFlag(rawValue: Int(flag.rawValue)) ?? .unknown
}

func decodeBlockIDFlag(_ flag: Tendermint_Types_BlockIDFlag, at path: MessagePath) throws(DecodingError) -> BlockIDFlag {
    guard let raw = Int32(exactly: flag.rawValue), let out = BlockIDFlag(rawValue: raw) else {
        throw path.unknownEnum(flag.rawValue)
    }
    return out
}
