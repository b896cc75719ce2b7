import PalisadeTypes

/// The paper's message log for votes at one height: stake-weighted tallies per (round, type),
/// each validator counted once per value it named (see `VoteTally`), equivocations reported as
/// evidence once per (validator, round, type).
///
/// Memory stays bounded under Byzantine senders: rounds up to `horizon` (the current round + 1)
/// are kept in full, which correct progress bounds; above it each validator holds votes in at most
/// `farRoundsPerValidator` rounds, its highest ones, which is all round skipping (L55) and a
/// decision in a future round (L49) need.
struct VoteKeeper: Sendable, Equatable {
    static let farRoundsPerValidator = 2

    enum Outcome: Equatable {
        /// Counted: the state changed.
        case counted
        /// The validator's first vote for a different value in this (round, type): counted for
        /// that value, and the pair is evidence to report.
        case equivocation(first: Vote)
        /// Nothing changed: a duplicate, an unknown signer, a crowded far round, a capped equivocator.
        case ignored
    }

    let height: Int64
    let validators: ValidatorSet
    let totalPower: Int64
    private(set) var rounds: [Int32: RoundVotes] = [:]
    /// Rounds where one block reached +2/3 precommits (at most one block can per round), for L49.
    /// Entries are re-checked on use, since evicting far-round votes can undo a quorum.
    private var precommitQuorums: [Int32: BlockID] = [:]
    /// Rounds whose distinct senders reached +1/3, for L55; re-checked on use, like the quorums.
    private var skipCandidates: Set<Int32> = []
    private var farRounds: [Int: [Int32]] = [:]
    private(set) var horizon: Int32 = 1

    init(height: Int64, validators: ValidatorSet) {
        self.height = height
        self.validators = validators
        self.totalPower = validators.totalVotingPower
    }

    func tally(round: Int32, type: VoteType) -> VoteTally { rounds[round]?[type] ?? VoteTally() }

    /// "2f+1 ⟨type, h, round, id⟩"; `BlockID.zero` asks about nil.
    func hasTwoThirds(round: Int32, type: VoteType, for blockID: BlockID) -> Bool {
        Quorum.isTwoThirds(tally(round: round, type: type).power(for: blockID), of: totalPower)
    }

    /// "2f+1 ⟨type, h, round, ∗⟩": the sum over every value, nil included.
    func hasTwoThirdsAny(round: Int32, type: VoteType) -> Bool {
        Quorum.isTwoThirds(tally(round: round, type: type).anyPower, of: totalPower)
    }

    /// (round, block) pairs with +2/3 precommits for a block, lowest round first (L49).
    func precommitQuorumsByRound() -> [(round: Int32, blockID: BlockID)] {
        precommitQuorums.keys.sorted().compactMap { round in
            guard let blockID = precommitQuorums[round],
                  hasTwoThirds(round: round, type: .precommit, for: blockID) else { return nil }
            return (round, blockID)
        }
    }

    /// The highest round above `round` in which validators with +1/3 of the power sent a vote (L55).
    func highestSkipRound(above round: Int32) -> Int32? {
        skipCandidates.filter { candidate in
            candidate > round
                && Quorum.isOneThird(rounds[candidate]?.senderPower ?? 0, of: totalPower)
        }.max()
    }

    mutating func add(_ vote: Vote) -> Outcome {
        guard vote.height == height, vote.round >= 0,
              let index = Int(exactly: vote.validatorIndex),
              let validator = validators.validator(at: index),
              validator.address == vote.validatorAddress else { return .ignored }
        if rounds[vote.round]?[vote.type].vote(by: index) == nil {
            guard admitFarRound(vote.round, index: index) else { return .ignored }
        }
        let outcome = rounds[vote.round, default: RoundVotes()].add(vote, index: index, power: validator.votingPower)
        switch outcome {
        case .ignored:
            return .ignored
        case .counted:
            noteQuorums(after: vote)
            return .counted
        case .conflicting(let first, let isFirstConflict):
            noteQuorums(after: vote)
            return isFirstConflict ? .equivocation(first: first) : .counted
        }
    }

    /// The current round moved to `round`: rounds up to `round + 1` are no longer "far".
    mutating func advance(toRound round: Int32) {
        horizon = round + 1
        skipCandidates = skipCandidates.filter { $0 > round }
        var kept: [Int: [Int32]] = [:]
        for (index, held) in farRounds {
            let far = held.filter { $0 > horizon }
            if !far.isEmpty { kept[index] = far }
        }
        farRounds = kept
    }

    private mutating func noteQuorums(after vote: Vote) {
        if vote.type == .precommit, !vote.isNil,
           hasTwoThirds(round: vote.round, type: .precommit, for: vote.blockID) {
            precommitQuorums[vote.round] = vote.blockID
        }
        if Quorum.isOneThird(rounds[vote.round]?.senderPower ?? 0, of: totalPower) {
            skipCandidates.insert(vote.round)
        }
    }

    /// Admits a vote for a round above the horizon if the validator holds fewer than
    /// `farRoundsPerValidator` such rounds, or if it is higher than the lowest it holds (which is
    /// then evicted). A correct validator only moves up, so its highest rounds are what matter.
    private mutating func admitFarRound(_ round: Int32, index: Int) -> Bool {
        guard round > horizon else { return true }
        var held = farRounds[index] ?? []
        if held.contains(round) { return true }
        if held.count >= Self.farRoundsPerValidator {
            guard let lowest = held.min(), round > lowest else { return false }
            evict(index: index, round: lowest)
            held.removeAll { $0 == lowest }
        }
        held.append(round)
        farRounds[index] = held
        return true
    }

    private mutating func evict(index: Int, round: Int32) {
        guard var votes = rounds[round], let validator = validators.validator(at: index) else { return }
        votes.removeAll(by: index, power: validator.votingPower)
        rounds[round] = votes.isEmpty ? nil : votes
    }
}
