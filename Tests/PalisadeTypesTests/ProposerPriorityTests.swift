import PalisadeCrypto
@testable import PalisadeTypes
import PropertyBased
import Testing

/// The arithmetic under proposer selection (centring, rescaling, saturation) and its fairness.
@Suite struct ProposerPriorityTests {
    typealias S = ValidatorTestSupport

    /// The average is floor division (Go's `big.Int.Div`), exact even where the sum overflows 64 bits.
    @Test func averageIsFloorDivisionWithoutOverflow() {
        #expect(ValidatorSet.floorAverage([-1, 0]) == -1)
        #expect(ValidatorSet.floorAverage([1, 0]) == 0)
        #expect(ValidatorSet.floorAverage([-7, 0, 0]) == -3)
        #expect(ValidatorSet.floorAverage([7, 0, 0]) == 2)
        #expect(ValidatorSet.floorAverage([.min, .min, .min]) == .min)
        #expect(ValidatorSet.floorAverage([.max, .max, .max]) == .max)
        #expect(ValidatorSet.floorAverage([.max, .min]) == -1)
        #expect(ValidatorSet.floorAverage([]) == nil)
    }

    /// A spread over 2 × total is divided by ceil(spread / (2 × total)), truncating toward zero:
    /// priorities −7 and 6 at total power 2 become −1 and 1 (floor would give −2), then centre
    /// (average 0), then one round picks the second validator.
    @Test func rescaleTruncatesTowardZero() {
        var set = ValidatorSet(sortedValidators: [
            S.addressed([0], power: 1, priority: -7), S.addressed([1], power: 1, priority: 6),
        ], proposerIndex: 0)
        set.incrementProposerPriority(times: 1)
        #expect(set.validators.map(\.proposerPriority) == [0, 0])
        #expect(set.proposer?.address == Address(bytes: [1]))
    }

    /// A spread within the window is left alone; only centring applies.
    @Test func noRescaleWithinWindow() {
        var set = ValidatorSet(sortedValidators: [
            S.addressed([0], power: 1, priority: 3), S.addressed([1], power: 1, priority: -1),
        ], proposerIndex: 0)
        set.rescalePriorities(diffMax: 4)
        #expect(set.validators.map(\.proposerPriority) == [3, -1])
        set.shiftByAveragePriority()
        #expect(set.validators.map(\.proposerPriority) == [2, -2])
    }

    /// Priorities saturate at the 64-bit bounds instead of wrapping.
    @Test func priorityArithmeticSaturates() {
        #expect(ValidatorSet.clippedAdd(.max - 1, 5) == .max)
        #expect(ValidatorSet.clippedAdd(.min + 1, -5) == .min)
        #expect(ValidatorSet.clippedSubtract(.min + 1, 5) == .min)
        #expect(ValidatorSet.clippedSubtract(.max - 1, -5) == .max)
        #expect(ValidatorSet.clippedAdd(3, 4) == 7)
        #expect(ValidatorSet.truncatingDivide(.min, by: UInt64(1) << 63) == -1)
        #expect(ValidatorSet.truncatingDivide(-9, by: 4) == -2)
    }

    /// Extreme stored priorities (as a hostile protobuf could carry) neither trap nor wrap: the
    /// rescale brings a spread of 2^64 − 1 back within the window, and rounds then run normally.
    @Test func extremePrioritiesDoNotTrap() throws {
        var set = ValidatorSet(sortedValidators: [
            S.addressed([0], power: 5, priority: .max), S.addressed([1], power: 3, priority: .min),
            S.addressed([2], power: 1, priority: .min),
        ], proposerIndex: 0)
        var rescaled = set
        rescaled.rescalePriorities(diffMax: 2 * set.totalVotingPower)
        let priorities = rescaled.validators.map(\.proposerPriority)
        #expect(try #require(priorities.max()) - (try #require(priorities.min())) <= 2 * set.totalVotingPower)
        set.incrementProposerPriority(times: 10)
        #expect(set.proposer != nil)
    }

    @Test func zeroTimesAndCopiesLeaveTheSetAlone() throws {
        let set = try ValidatorSet(validators: [S.named("a", power: 3), S.named("b", power: 1)])
        var same = set
        same.incrementProposerPriority(times: 0)
        #expect(same == set)
        let later = set.copyIncrementingProposerPriority(times: 3)
        #expect(later != set)
        var stepped = set
        for _ in 0..<3 { stepped.incrementProposerPriority(times: 1) }
        #expect(later == stepped)
        var empty = try ValidatorSet(validators: [])
        empty.incrementProposerPriority(times: 5)
        #expect(empty.proposer == nil && empty.isEmpty && empty.totalVotingPower == 0)
    }

    /// Fairness over random sets of 1–100 validators. Over one full cycle (as many rounds as the
    /// total power) every validator proposes exactly its power's worth of times. At every prefix
    /// of k rounds, a validator is never a whole proposal ahead of its share k·power/total (its
    /// priority never falls to −total), and never two behind. "Behind" can exceed one proposal
    /// by a little (CometBFT's own frequency test allows N), so the bound here is two.
    @Test func proposalsAreProportionalToPower() async {
        let powers = Gen.int64(in: 1...40).array(of: 1...100)
        await propertyCheck(count: 60, input: powers) { powers in
            let validators = powers.indices.map {
                S.addressed(Array("v\($0)".utf8), power: powers[$0])
            }
            guard var set = try? ValidatorSet(validators: validators) else {
                Issue.record("set of \(powers.count) rejected")
                return
            }
            let total = set.totalVotingPower
            let rounds = Int(total)
            var counts = [Address: Int64]()
            var worst: (ahead: Int64, behind: Int64) = (0, 0)
            for k in 1...rounds {
                guard let proposer = set.proposer else { Issue.record("no proposer"); return }
                counts[proposer.address, default: 0] += 1
                for v in set.validators {
                    // counts·total − k·power, in units of 1/total proposals.
                    let deviation = (counts[v.address] ?? 0) * total - Int64(k) * v.votingPower
                    worst = (max(worst.ahead, deviation), max(worst.behind, -deviation))
                }
                set.incrementProposerPriority(times: 1)
            }
            #expect(worst.ahead < total, "a validator got a whole proposal ahead")
            #expect(worst.behind < 2 * total, "a validator fell two proposals behind")
            for v in set.validators {
                #expect(counts[v.address] ?? 0 == v.votingPower, "\(v) over a full cycle")
            }
        }
    }
}
