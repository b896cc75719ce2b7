import PalisadeTypes

/// The votes of one type in one round, with running sums so that every quorum question the
/// rules ask ("2f+1 ⟨PREVOTE, h, r, id(v)⟩", "2f+1 ⟨PREVOTE, h, r, ∗⟩") is a dictionary lookup,
/// never a scan: a 100-validator simulation asks them after every message.
///
/// As in the paper's message log, a validator that equivocates counts towards each value it
/// named (so every correct process that holds the same messages sees the same polkas, which
/// liveness after GST depends on), but only once towards ∗. Safety does not suffer: two +2/3
/// tallies for different values would share more than 1/3 of the power, so a correct validator
/// would have voted twice. A validator's values per slot are capped, so an equivocator cannot
/// fill memory.
struct VoteTally: Sendable, Equatable {
    /// Values a validator may name in one (round, type) beyond its first vote.
    static let conflictingValuesPerValidator = 2

    enum Outcome: Equatable {
        /// The validator's first vote here.
        case counted
        /// A vote for a value the validator had not named here yet, counted for that value;
        /// `first` is its first vote (the pair is evidence), `isFirstConflict` whether it is the first such.
        case conflicting(first: Vote, isFirstConflict: Bool)
        /// A value it already named, or one more than the cap: nothing changed.
        case ignored
    }

    /// Each validator's first vote, by its index in the height's validator set: what ∗ sums.
    private(set) var firstVotes: [Int: Vote] = [:]
    /// Later votes of an equivocating validator for other values, in arrival order.
    private var conflictingVotes: [Int: [Vote]] = [:]
    /// Voting power of the distinct validators that named each block ID; `BlockID.zero` is nil.
    private var powerByBlock: [BlockID: Int64] = [:]
    /// Voting power of the distinct validators with any vote here (the paper's ∗).
    private(set) var anyPower: Int64 = 0

    func vote(by index: Int) -> Vote? { firstVotes[index] }

    /// Every vote validator `index` cast here, its first vote first.
    func votes(by index: Int) -> [Vote] {
        guard let first = firstVotes[index] else { return [] }
        return [first] + (conflictingVotes[index] ?? [])
    }

    func power(for blockID: BlockID) -> Int64 { powerByBlock[blockID] ?? 0 }

    mutating func add(_ vote: Vote, index: Int, power: Int64) -> Outcome {
        guard let first = firstVotes[index] else {
            firstVotes[index] = vote
            powerByBlock[vote.blockID, default: 0] += power
            anyPower += power
            return .counted
        }
        var later = conflictingVotes[index] ?? []
        guard first.blockID != vote.blockID, !later.contains(where: { $0.blockID == vote.blockID }),
              later.count < Self.conflictingValuesPerValidator else { return .ignored }
        later.append(vote)
        conflictingVotes[index] = later
        powerByBlock[vote.blockID, default: 0] += power
        return .conflicting(first: first, isFirstConflict: later.count == 1)
    }

    /// Uncounts every vote of a validator (far-future rounds make room for higher ones, see `VoteKeeper`).
    mutating func remove(index: Int, power weight: Int64) {
        guard firstVotes[index] != nil else { return }
        for vote in votes(by: index) {
            let remaining = power(for: vote.blockID) - weight
            powerByBlock[vote.blockID] = remaining == 0 ? nil : remaining
        }
        firstVotes[index] = nil
        conflictingVotes[index] = nil
        anyPower -= weight
    }
}

/// All votes of one round: prevotes, precommits, and the power of the distinct validators that
/// sent either, which is what round skipping counts (L55: senders, not messages).
struct RoundVotes: Sendable, Equatable {
    private(set) var prevotes = VoteTally()
    private(set) var precommits = VoteTally()
    private(set) var senderPower: Int64 = 0

    subscript(type: VoteType) -> VoteTally {
        switch type {
        case .prevote: prevotes
        case .precommit: precommits
        }
    }

    func hasVote(by index: Int) -> Bool { prevotes.vote(by: index) != nil || precommits.vote(by: index) != nil }

    mutating func add(_ vote: Vote, index: Int, power: Int64) -> VoteTally.Outcome {
        let isNewSender = !hasVote(by: index)
        let outcome = switch vote.type {
        case .prevote: prevotes.add(vote, index: index, power: power)
        case .precommit: precommits.add(vote, index: index, power: power)
        }
        if isNewSender, outcome == .counted { senderPower += power }
        return outcome
    }

    /// Uncounts all of a validator's votes in this round.
    mutating func removeAll(by index: Int, power: Int64) {
        guard hasVote(by: index) else { return }
        prevotes.remove(index: index, power: power)
        precommits.remove(index: index, power: power)
        senderPower -= power
    }

    var isEmpty: Bool { senderPower == 0 && prevotes.firstVotes.isEmpty && precommits.firstVotes.isEmpty }
}
