@testable import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes
import Testing

/// Vote counting: strict stake-weighted thresholds, one vote per validator per (round, type),
/// equivocation evidence, and the bound on far-future rounds.
@Suite("VoteKeeper")
struct VoteKeeperTests {
    func power(_ h: Harness, _ type: VoteType, _ blockID: BlockID, round: Int32 = 0) -> Int64 {
        h.state.context?.votes.tally(round: round, type: type).power(for: blockID) ?? -1
    }

    struct ThresholdCase: CustomTestStringConvertible, Sendable {
        var powers: [Int64]
        var voters: [Int]
        var twoThirds: Bool
        var oneThird: Bool
        var testDescription: String { "powers \(powers), voters \(voters)" }
    }

    @Test("Thresholds are strict: power × 3 > total × 2 and power × 3 > total",
          arguments: [
              ThresholdCase(powers: [1, 1, 1], voters: [0], twoThirds: false, oneThird: false),  // exactly 1/3
              ThresholdCase(powers: [1, 1, 1], voters: [0, 1], twoThirds: false, oneThird: true),  // exactly 2/3
              ThresholdCase(powers: [1, 1, 1], voters: [0, 1, 2], twoThirds: true, oneThird: true),
              ThresholdCase(powers: [10, 10, 10, 10], voters: [0, 1], twoThirds: false, oneThird: true),
              ThresholdCase(powers: [10, 10, 10, 10], voters: [0, 1, 2], twoThirds: true, oneThird: true),
              ThresholdCase(powers: [67, 33], voters: [0], twoThirds: true, oneThird: true),
              ThresholdCase(powers: [66, 34], voters: [0], twoThirds: false, oneThird: true),
              ThresholdCase(powers: [ValidatorSet.maxTotalVotingPower - 1, 1], voters: [0], twoThirds: true, oneThird: true),
          ])
    func thresholds(_ row: ThresholdCase) {
        var keeper = VoteKeeper(height: 1, validators: Net(powers: row.powers).set)
        let h = Harness(powers: row.powers, me: .observer)
        for index in row.voters { _ = keeper.add(h.vote(.prevote, blockA, round: 0, from: index)) }
        #expect(keeper.hasTwoThirds(round: 0, type: .prevote, for: blockA) == row.twoThirds)
        #expect(keeper.hasTwoThirdsAny(round: 0, type: .prevote) == row.twoThirds)
        #expect((keeper.highestSkipRound(above: -1) == 0) == row.oneThird)
        #expect(!keeper.hasTwoThirds(round: 0, type: .precommit, for: blockA))
    }

    @Test("Equivocation: one .duplicateVote per slot; the conflicting vote counts for its value, never twice for ∗")
    func equivocation() {
        var h = Harness()
        _ = h.start()
        let v = h.others[0]
        let first = h.vote(.prevote, blockA, round: 0, from: v)
        let second = h.vote(.prevote, blockB, round: 0, from: v)
        #expect(h.feed(.vote(first, now: h.now)).count == 1)
        let out = h.feed(.vote(second, now: h.now))
        #expect(out.count == 2)
        #expect(out.first?.persistedInput?.vote == second)  // persisted first, then reported
        #expect(out.duplicateVotes.map(\.first) == [first])
        #expect(out.duplicateVotes.map(\.second) == [second])
        #expect(power(h, .prevote, blockA) == 10 && power(h, .prevote, blockB) == 10)
        #expect(h.state.context?.votes.tally(round: 0, type: .prevote).anyPower == 10)
        #expect(h.state.context?.votes.rounds[0]?.senderPower == 10)
        // Either vote again: silent, nothing changes.
        #expect(h.feed(.vote(second, now: h.now)).isEmpty)
        #expect(h.feed(.vote(first, now: h.now)).isEmpty)
        // A third value is counted without a second report; a fourth is over the cap.
        let third = h.feed(.vote(h.vote(.prevote, nilBlock, round: 0, from: v), now: h.now))
        #expect(third.count == 1 && power(h, .prevote, nilBlock) == 10)
        #expect(h.feed(.vote(h.vote(.prevote, block("C"), round: 0, from: v), now: h.now)).isEmpty)
        // The same validator's precommit is a different slot.
        #expect(h.feed(.vote(h.vote(.precommit, blockB, round: 0, from: v), now: h.now)).count == 1)
        #expect(power(h, .precommit, blockB) == 10)
    }

    @Test("L36 with an equivocator: its second prevote completes the polka of the value it names (paper's message log)")
    func equivocatedPrevoteCompletesPolka() {
        var h = Harness()
        _ = h.start()
        let (byzantine, p) = (h.others[0], h.others[1])
        #expect(h.propose(round: 0, blockA).prevoted == [blockA])
        _ = h.prevotes(blockA, round: 0, from: [h.me ?? -1])
        _ = h.prevotes(blockB, round: 0, from: [byzantine])
        _ = h.prevotes(blockA, round: 0, from: [p])
        let out = h.prevotes(blockA, round: 0, from: [byzantine])  // me, p and the equivocator: 30 of 40
        #expect(out.duplicateVotes.count == 1)
        #expect(out.precommitted == [blockA])
        #expect(h.state.lockedValue == blockA)
    }

    @Test("Votes from unknown validators, with a wrong index, for a past height or a negative round are dropped")
    func dropsForeignVotes() {
        var h = Harness()
        _ = h.start()
        let stranger = Address(bytes: Bytes(repeating: 0xEE, count: 20))
        let good = h.vote(.prevote, blockA, round: 0, from: 1)
        var unknown = good
        unknown.validatorAddress = stranger
        var wrongIndex = good
        wrongIndex.validatorIndex = 2
        var outOfRange = good
        outOfRange.validatorIndex = 9
        var negativeIndex = good
        negativeIndex.validatorIndex = -1
        var negativeRound = good
        negativeRound.round = -1
        var pastHeight = good
        pastHeight.height = 0
        var badBlockID = good
        badBlockID.blockID = BlockID(hash: [1, 2, 3], partSetHeader: .zero)
        for vote in [unknown, wrongIndex, outOfRange, negativeIndex, negativeRound, pastHeight, badBlockID] {
            #expect(h.feed(.vote(vote, now: h.now)).isEmpty)
        }
        #expect(power(h, .prevote, blockA) == 0)
        #expect(h.feed(.vote(good, now: h.now)).count == 1)
        #expect(power(h, .prevote, blockA) == 10)
    }

    @Test("Votes for future rounds are kept; above round_p + 1 each validator holds only its two highest rounds")
    func farRoundBound() {
        var h = Harness(me: .observer)
        _ = h.start()
        let v = 1
        for round: Int32 in [5, 6, 7] { _ = h.prevotes(nilBlock, round: round, from: [v]) }
        #expect(power(h, .prevote, nilBlock, round: 5) == 0)  // evicted for round 7
        #expect(power(h, .prevote, nilBlock, round: 6) == 10)
        #expect(power(h, .prevote, nilBlock, round: 7) == 10)
        #expect(h.prevotes(nilBlock, round: 4, from: [v]).isEmpty)  // lower than both: dropped
        #expect(h.precommits(nilBlock, round: 6, from: [v]).count == 1)  // a held round: still counted
        #expect(h.prevotes(nilBlock, round: 1, from: [v]).count == 1)  // round_p + 1 is never far
        // The rounds stay usable: two validators in round 7 are f+1, L55 jumps there.
        _ = h.prevotes(nilBlock, round: 7, from: [2])
        #expect(h.state.round == 7)
    }
}
