import PalisadeCrypto
import PalisadeTypes

/// CometBFT's round step numbers (`RoundStepType`), as `height/round/step` shows them.
public enum RoundStep: UInt8, Sendable, Hashable {
    case newHeight = 1
    case newRound = 2
    case propose = 3
    case prevote = 4
    case prevoteWait = 5
    case precommit = 6
    case precommitWait = 7
    case commit = 8

    /// The name CometBFT's events carry (`RoundStepPropose`...).
    public var name: String {
        switch self {
        case .newHeight: "RoundStepNewHeight"
        case .newRound: "RoundStepNewRound"
        case .propose: "RoundStepPropose"
        case .prevote: "RoundStepPrevote"
        case .prevoteWait: "RoundStepPrevoteWait"
        case .precommit: "RoundStepPrecommit"
        case .precommitWait: "RoundStepPrecommitWait"
        case .commit: "RoundStepCommit"
        }
    }
}

/// The votes of one round, one slot per validator in set order (`nil`: no vote received yet).
public struct RoundVotes: Sendable, Hashable {
    public var round: Int32
    public var prevotes: [Vote?]
    public var precommits: [Vote?]

    public init(round: Int32, prevotes: [Vote?], precommits: [Vote?]) {
        self.round = round
        self.prevotes = prevotes
        self.precommits = precommits
    }
}

/// `/consensus_state`: where the consensus core is. The server renders CometBFT's
/// `height/round/step` string, vote strings and bit arrays from these fields.
public struct RoundStateSummary: Sendable, Hashable {
    public var height: Int64
    public var round: Int32
    public var step: RoundStep
    public var startTime: Timestamp
    public var proposalBlockHash: Bytes
    public var lockedBlockHash: Bytes
    public var validBlockHash: Bytes
    /// The validators of this height, for the proposer and the voting power in the bit arrays.
    public var validators: ValidatorSet
    public var proposer: Address
    public var votes: [RoundVotes]

    public init(height: Int64, round: Int32, step: RoundStep, startTime: Timestamp, proposalBlockHash: Bytes = [],
                lockedBlockHash: Bytes = [], validBlockHash: Bytes = [], validators: ValidatorSet, proposer: Address,
                votes: [RoundVotes]) {
        self.height = height
        self.round = round
        self.step = step
        self.startTime = startTime
        self.proposalBlockHash = proposalBlockHash
        self.lockedBlockHash = lockedBlockHash
        self.validBlockHash = validBlockHash
        self.validators = validators
        self.proposer = proposer
        self.votes = votes
    }
}

/// What the node knows of one peer's consensus position.
public struct PeerConsensusState: Sendable, Hashable {
    /// `id@host:port`.
    public var nodeAddress: String
    public var height: Int64
    public var round: Int32
    public var step: RoundStep

    public init(nodeAddress: String, height: Int64, round: Int32, step: RoundStep) {
        self.nodeAddress = nodeAddress
        self.height = height
        self.round = round
        self.step = step
    }
}

/// `/dump_consensus_state`.
public struct ConsensusStateDump: Sendable, Hashable {
    public var roundState: RoundStateSummary
    public var peers: [PeerConsensusState]

    public init(roundState: RoundStateSummary, peers: [PeerConsensusState]) {
        self.roundState = roundState
        self.peers = peers
    }
}
