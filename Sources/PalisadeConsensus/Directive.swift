import PalisadeTypes

/// What the core asks its shell to do, in order. `.persist` always comes before any directive
/// its input caused, so nothing leaves the process that a restart could forget (ARCHITECTURE §5).
public enum Directive: Sendable, Hashable {
    /// Append this input to the WAL and fsync before executing the directives after it.
    case persist(Input)
    /// Sign (through the double-sign guard), broadcast, and feed back as `Input.proposal`.
    case signProposal(Proposal)
    /// Sign (through the double-sign guard), broadcast, and feed back as `Input.vote`.
    case signVote(Vote)
    /// Deliver `Input.timeout` after `timeout.duration` milliseconds.
    case scheduleTimeout(Timeout)
    /// We are the proposer with no valid value: build a block, answer with `Input.proposalValue`.
    case requestProposal(height: Int64, round: Int32)
    /// +2/3 precommits for a proposal we hold: commit it (paper L49).
    case decide(Decision)
    /// A validator signed two different votes for one (height, round, type): the evidence pool
    /// turns the pair into `DuplicateVoteEvidence`.
    case duplicateVote(first: Vote, second: Vote)
}

/// A decided block: what the shell executes and stores.
public struct Decision: Sendable, Hashable {
    public var height: Int64
    public var round: Int32
    public var blockID: BlockID
    /// The certificate: one `CommitSig` per validator in set order, from the precommits of `round`.
    /// It becomes the next block's `LastCommit`; the core keeps adding late precommits to it in
    /// `ConsensusState.decisions` until the next `startHeight`.
    public var commit: Commit
    /// What each precommit in `commit` carried as its vote extension, `extensions[i]` beside
    /// `commit.signatures[i]` (all `.none` before vote extensions are enabled): the extended
    /// commit the next proposer hands to PrepareProposal.
    public var extensions: [VoteExtension]

    /// A decision without its certificate (an empty commit), for callers that only compare blocks.
    public init(height: Int64, round: Int32, blockID: BlockID) {
        self.init(height: height, round: round, blockID: blockID,
                  commit: Commit(height: height, round: round, blockID: blockID, signatures: []))
    }

    public init(height: Int64, round: Int32, blockID: BlockID, commit: Commit, extensions: [VoteExtension]? = nil) {
        self.height = height
        self.round = round
        self.blockID = blockID
        self.commit = commit
        self.extensions = extensions ?? Array(repeating: .none, count: commit.signatures.count)
    }

    /// The commit with its extensions; nil if they do not line up (they always do as the core builds them).
    public var extendedCommit: ExtendedCommit? { ExtendedCommit(commit: commit, extensions: extensions) }
}
