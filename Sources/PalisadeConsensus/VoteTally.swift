import PalisadeTypes

/// The votes of one type in one round, with running sums so that every quorum question the
/// rules ask ("2f+1 ⟨PREVOTE, h, r, id(v)⟩", "2f+1 ⟨PREVOTE, h, r, ∗⟩") is a dictionary lookup,
/// never a scan: a 100-validator simulation asks them after every message.
struct VoteTally: Sendable, Equatable {
    /// The counted vote of each validator, by its index in the height's validator set.
    private(set) var votes: [Int: Vote] = [:]
    /// Voting power behind each block ID; `BlockID.zero` is nil.
    private var powerByBlock: [BlockID: Int64] = [:]
    /// Voting power behind any value, nil included (the paper's ∗).
    private(set) var anyPower: Int64 = 0

    func vote(by index: Int) -> Vote? { votes[index] }

    func power(for blockID: BlockID) -> Int64 { powerByBlock[blockID] ?? 0 }

    /// Counts `vote`; the caller has checked the validator has no vote here yet.
    mutating func add(_ vote: Vote, index: Int, power: Int64) {
        votes[index] = vote
        powerByBlock[vote.blockID, default: 0] += power
        anyPower += power
    }

    /// Uncounts a validator's vote (far-future rounds make room for higher ones, see `VoteKeeper`).
    mutating func remove(index: Int, power weight: Int64) {
        guard let vote = votes.removeValue(forKey: index) else { return }
        let remaining = power(for: vote.blockID) - weight
        powerByBlock[vote.blockID] = remaining == 0 ? nil : remaining
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

    mutating func add(_ vote: Vote, index: Int, power: Int64) {
        if !hasVote(by: index) { senderPower += power }
        switch vote.type {
        case .prevote: prevotes.add(vote, index: index, power: power)
        case .precommit: precommits.add(vote, index: index, power: power)
        }
    }

    /// Uncounts both of a validator's votes in this round.
    mutating func removeAll(by index: Int, power: Int64) {
        guard hasVote(by: index) else { return }
        prevotes.remove(index: index, power: power)
        precommits.remove(index: index, power: power)
        senderPower -= power
    }

    var isEmpty: Bool { senderPower == 0 && prevotes.votes.isEmpty && precommits.votes.isEmpty }
}
