import PalisadeCrypto
@testable import PalisadeTypes
import Testing

/// CometBFT's proposer-selection tests (`validator_set_test.go`), values from `vectors.json`.
@Suite struct ProposerSelectionVectorTests {
    typealias S = ValidatorTestSupport

    /// `TestProposerSelection1`: foo/bar/baz with powers 1000/300/330, the proposer of 99 rounds.
    @Test func proposerSelection1() throws {
        let vector = try #require(try Fixtures.json("vectors.json")["proposer_selection_1"] as? [String: Any])
        let expected = try #require(vector["expected"] as? [String])
        let spec = try #require(vector["validators"] as? [[Any]])
        let validators = try spec.map { entry in
            S.named(try #require(entry[0] as? String), power: Int64(try #require(entry[1] as? Int)))
        }
        #expect(vector["rounds"] as? Int == 99 && expected.count == 99)

        var set = try ValidatorSet(validators: validators)
        var proposers: [String] = []
        for _ in 0..<99 {
            proposers.append(S.proposerName(set))
            set.incrementProposerPriority(times: 1)
        }
        #expect(proposers == expected)
    }

    /// `TestProposerSelection2`, equal powers: the proposer rotates in address order.
    @Test func equalPowersRotateInAddressOrder() throws {
        let validators = (0..<3).map { S.addressed(S.address(endingIn: UInt8($0)), power: 100) }
        var set = try ValidatorSet(validators: validators)
        for round in 0..<15 {
            #expect(set.proposer?.address == validators[round % 3].address, "round \(round)")
            set.incrementProposerPriority(times: 1)
        }
    }

    /// `TestProposerSelection2`, 100/100/400 (never twice in a row) and 100/100/401 (twice in a row).
    @Test(arguments: [("100/100/400", Int64(400)), ("100/100/401", Int64(401))])
    func heavierValidatorSequence(name: String, heavyPower: Int64) throws {
        let vector = try #require(try Fixtures.json("vectors.json")["proposer_selection_2"] as? [String: Any])
        let expected = try #require(vector[name] as? [Int])
        let validators = [
            S.addressed(S.address(endingIn: 0), power: 100), S.addressed(S.address(endingIn: 1), power: 100),
            S.addressed(S.address(endingIn: 2), power: heavyPower),
        ]
        var set = try ValidatorSet(validators: validators)
        var sequence: [Int] = []
        for _ in expected {
            sequence.append(Int(try #require(set.proposer?.address.bytes.last)))
            set.incrementProposerPriority(times: 1)
        }
        #expect(sequence == expected)
    }

    /// `TestProposerSelection2`, powers 4/5/3 over 120 rounds: each proposes 10 × its power.
    @Test func proportionalCountsOver120Rounds() throws {
        let vector = try #require(try Fixtures.json("vectors.json")["proposer_selection_2"] as? [String: Any])
        let expected = try #require(vector["4/5/3_over_120"] as? [Int])
        let powers: [Int64] = [4, 5, 3]
        let validators = powers.indices.map { S.addressed(S.address(endingIn: UInt8($0)), power: powers[$0]) }
        var set = try ValidatorSet(validators: validators)
        var counts = [0, 0, 0]
        for _ in 0..<120 {
            counts[Int(try #require(set.proposer?.address.bytes.last))] += 1
            set.incrementProposerPriority(times: 1)
        }
        #expect(counts == expected)
    }

    /// `TestAveragingInIncrementProposerPriorityWithVotingPower`: a 10/1/1 set whose priorities
    /// start at zero, incremented `times` rounds in one call.
    @Test func averagingWithVotingPower10_1_1() throws {
        let cases = try #require(try Fixtures.json("vectors.json")["averaging_with_voting_power_10_1_1"] as? [[String: Any]])
        #expect(cases.count == 11)
        let start = ValidatorSet(sortedValidators: [
            S.addressed([0], power: 10), S.addressed([1], power: 1), S.addressed([2], power: 1),
        ], proposerIndex: nil)
        for testCase in cases {
            let times = try #require(testCase["times"] as? Int)
            let priorities = try #require(testCase["priorities"] as? [Int]).map(Int64.init)
            let proposerIndex = try #require(testCase["proposer_index"] as? Int)
            let set = start.copyIncrementingProposerPriority(times: times)
            #expect(set.validators.map(\.proposerPriority) == priorities, "times \(times)")
            #expect(set.proposer?.address == set.validators[proposerIndex].address, "times \(times)")
        }
    }
}
