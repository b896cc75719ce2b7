import PalisadeCrypto
@testable import PalisadeTypes
import Testing

/// `ProposerRotation` names the proposer `copyIncrementingProposerPriority(times:)` names, and
/// computes each round once.
@Suite struct ProposerRotationTests {
    typealias S = ValidatorTestSupport

    static func set() throws -> ValidatorSet {
        // Unequal powers and uneven starting priorities, so rescaling and centring matter.
        ValidatorSet(sortedValidators: [
            S.addressed(S.address(endingIn: 1), power: 7, priority: 90),
            S.addressed(S.address(endingIn: 2), power: 3, priority: -40),
            S.addressed(S.address(endingIn: 3), power: 11, priority: 5),
            S.addressed(S.address(endingIn: 4), power: 1, priority: -70),
        ], proposerIndex: 2)
    }

    @Test func namesTheSameProposerAsRotatingTheSetEachTime() throws {
        let validators = try Self.set()
        var rotation = ProposerRotation(validators)
        // Out of order, and repeated: the answer never depends on what was asked before.
        for round in [5, 0, 17, 3, 60, 1, 17, 42, 0] as [Int32] {
            let expected = validators.copyIncrementingProposerPriority(times: Int(round)).proposer?.address
            #expect(rotation.proposer(round: round) == expected, "round \(round)")
        }
        #expect(rotation.proposer(round: -1) == nil)
    }

    /// A thousand lookups of a round 1,000 ahead cost 1,000 rounds of selection, not a million.
    @Test func eachRoundIsComputedOncePerSet() throws {
        var rotation = ProposerRotation(try Self.set())
        for _ in 0..<1_000 { _ = rotation.proposer(round: 1_000) }
        #expect(rotation.steps == 1_000)
        for round in 0...1_000 { _ = rotation.proposer(round: Int32(round)) }
        #expect(rotation.steps == 1_000)
    }
}
