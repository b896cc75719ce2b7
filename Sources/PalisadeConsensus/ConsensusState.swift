import PalisadeCrypto
import PalisadeTypes

/// Tendermint consensus (arXiv 1807.04938, Algorithm 1) for one process, as a value: inputs go in
/// through `handle`, effects come out as `Directive`s, and nothing here touches a clock, a file or
/// the network. The shell executes the directives in order; the first is always `.persist(input)`
/// when the input changed anything, so replaying the WAL through `handle` rebuilds the same state.
///
/// Proposals carry no sender: the shell verifies each proposal's signature against
/// `proposer(round:)` before building the input, and that check is what makes it "from
/// proposer(h, r)" (L22, L28, L36, L49). Votes name their signer and are checked here against the
/// height's validator set.
public struct ConsensusState: Sendable, Equatable {
    public static let defaultFutureHeightBufferLimit = 4096
    /// Rounds at or above this are ignored, so `round + 1` can never overflow.
    static let roundLimit: Int32 = Int32.max / 2
    /// Distinct proposals kept per round: one from a correct proposer, a few from an equivocating one.
    static let proposalsPerRound = 4
    /// Rounds above round_p + 1 whose proposals are kept (the highest ones).
    static let farProposalRounds = 2

    public let chainID: String
    /// Nil for a node that follows consensus without voting.
    public let validatorAddress: Address?
    public let config: TimeoutConfig

    /// `h_p`. Zero until the first `startHeight`.
    public internal(set) var height: Int64 = 0
    /// `round_p`.
    public internal(set) var round: Int32 = 0
    /// `step_p`.
    public internal(set) var step: Step = .propose
    public internal(set) var lockedValue: BlockID?
    public internal(set) var lockedRound: Int32 = -1
    public internal(set) var validValue: BlockID?
    public internal(set) var validRound: Int32 = -1
    /// `decision_p[]`, for this height and the previous one only: the previous one's commit is the
    /// next block's `LastCommit`, and older ones live in the block store, not in consensus memory.
    public internal(set) var decisions: [Int64: Decision] = [:]

    var context: HeightContext?
    var futureHeight: FutureHeightBuffer

    public init(chainID: String, validatorAddress: Address?, config: TimeoutConfig,
                futureHeightBufferLimit: Int = ConsensusState.defaultFutureHeightBufferLimit) {
        self.chainID = chainID
        self.validatorAddress = validatorAddress
        self.config = config
        self.futureHeight = FutureHeightBuffer(limit: futureHeightBufferLimit)
    }

    /// Applies one input; returns `[]` when it changed nothing (stale, duplicate or unknown),
    /// otherwise `.persist(input)` followed by what it caused.
    public mutating func handle(_ input: Input) -> [Directive] {
        var effects: [Directive] = []
        guard apply(input, into: &effects) else { return [] }
        return [.persist(input)] + effects
    }

    // MARK: Readable state

    /// The validator set of the current height; nil before the first `startHeight`.
    public var validators: ValidatorSet? { context?.validators }

    /// True once this height is decided; the core then waits for `startHeight(h + 1)`.
    public var hasDecided: Bool { decisions[height] != nil }

    /// The first proposal held for the current round, if any.
    public var proposal: Proposal? { context?.proposals[round]?.first }

    /// The proposer of (current height, `round`): the set as given at round 0, rotated `round`
    /// times by proposer priority after that. O(validators × round): shells should not ask about
    /// rounds far beyond the current one.
    public func proposer(round: Int32) -> Address? {
        guard let validators = context?.validators, round >= 0 else { return nil }
        if round == self.round, let cached = context?.roundProposer { return cached }
        return validators.copyIncrementingProposerPriority(times: Int(round)).proposer?.address
    }

    /// Messages for the next height waiting for its `startHeight`.
    public var bufferedFutureInputs: Int { futureHeight.count }

    // MARK: Convenience entry points (each wraps `handle`)

    public mutating func startHeight(_ start: HeightStart) -> [Directive] { handle(.startHeight(start)) }

    public mutating func onProposal(_ proposal: Proposal, now: Timestamp) -> [Directive] {
        handle(.proposal(proposal, now: now))
    }

    public mutating func onVote(_ vote: Vote, now: Timestamp) -> [Directive] { handle(.vote(vote, now: now)) }

    public mutating func onTimeout(_ timeout: Timeout, now: Timestamp) -> [Directive] {
        handle(.timeout(timeout, now: now))
    }

    public mutating func onProposalValidity(height: Int64, round: Int32, blockID: BlockID, valid: Bool,
                                            now: Timestamp) -> [Directive] {
        handle(.proposalValidity(height: height, round: round, blockID: blockID, valid: valid, now: now))
    }

    public mutating func onProposalValue(height: Int64, round: Int32, blockID: BlockID, now: Timestamp) -> [Directive] {
        handle(.proposalValue(height: height, round: round, blockID: blockID, now: now))
    }
}

/// What the core knows about the current height beyond the paper's named variables: the message
/// log (votes, proposals, the app's verdicts on blocks) and the once-per-round flags.
struct HeightContext: Sendable, Equatable {
    let validators: ValidatorSet
    let lastBlockTime: Timestamp
    /// Our index in `validators`; nil when we do not vote at this height.
    let ownIndex: Int?
    var votes: VoteKeeper
    /// The distinct proposals of each round in arrival order (the shell has checked they are the
    /// round's proposer's; more than one means it equivocated).
    var proposals: [Int32: [Proposal]] = [:]
    /// `valid(v)` by block: present once the block arrived and the app judged it, which is what
    /// makes a proposal "full". A block re-proposed in a later round keeps its verdict.
    var blockValidity: [BlockID: Bool] = [:]
    var roundProposer: Address?
    var roundFlags = RoundFlags()
}

/// "For the first time" guards, reset by StartRound (a round never repeats within a height).
struct RoundFlags: Sendable, Equatable {
    /// L34 has scheduled timeoutPrevote in this round.
    var prevoteTimeoutScheduled = false
    /// L47 has scheduled timeoutPrecommit in this round.
    var precommitTimeoutScheduled = false
    /// L36 has fired in this round.
    var validValueUpdated = false
    /// L18: we asked the app for a value and have not proposed yet.
    var awaitingProposalValue = false
}

extension Input {
    /// The time the shell stamped on the input: what our votes and proposals are stamped from.
    var now: Timestamp {
        switch self {
        case .startHeight(let start): start.now
        case .proposal(_, let now), .vote(_, let now), .timeout(_, let now): now
        case .proposalValidity(_, _, _, _, let now), .proposalValue(_, _, _, let now): now
        }
    }
}
