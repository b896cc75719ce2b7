import PalisadeTypes

/// Everything that can change the consensus state. The shell logs each state-changing input to
/// the WAL (the core asks with `.persist` first) and replays them through `ConsensusState.handle`
/// after a crash, so `now` is part of the input: replay must see the same time.
/// Signatures are verified by the shell before an input is built; the core trusts them.
public enum Input: Sendable, Hashable {
    /// Begin `height` at round 0 (paper L10/L54) with the height's validator set.
    case startHeight(HeightStart)
    /// A signed proposal (its block may not have arrived yet).
    case proposal(Proposal, now: Timestamp)
    /// The full block for `blockID` proposed at (height, round) arrived and the app judged it
    /// (`valid(v)`, ProcessProposal): checklist item 8, validity evaluated outside the core.
    case proposalValidity(height: Int64, round: Int32, blockID: BlockID, valid: Bool, now: Timestamp)
    /// The app built our block in answer to `.requestProposal` (PrepareProposal).
    case proposalValue(height: Int64, round: Int32, blockID: BlockID, now: Timestamp)
    /// A signed prevote or precommit.
    case vote(Vote, now: Timestamp)
    /// A timeout scheduled earlier has fired.
    case timeout(Timeout, now: Timestamp)
}

/// What the core needs to start a height: who votes, and what bounds vote timestamps.
public struct HeightStart: Sendable, Hashable {
    public var height: Int64
    /// The validator set for `height`, with proposer priorities as of round 0.
    public var validators: ValidatorSet
    /// The previous block's time; our votes are stamped no earlier than this + 1 ms (CometBFT v0.38).
    public var lastBlockTime: Timestamp
    public var now: Timestamp

    public init(height: Int64, validators: ValidatorSet, lastBlockTime: Timestamp, now: Timestamp) {
        self.height = height
        self.validators = validators
        self.lastBlockTime = lastBlockTime
        self.now = now
    }
}
