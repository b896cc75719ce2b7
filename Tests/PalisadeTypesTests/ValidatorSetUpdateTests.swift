import PalisadeCrypto
@testable import PalisadeTypes
import Testing

/// `init(validators:)` and `update(with:)`: CometBFT's `NewValidatorSet` and `UpdateWithChangeSet`.
@Suite struct ValidatorSetUpdateTests {
    typealias S = ValidatorTestSupport

    static func keys(_ n: Int) throws -> [Ed25519PublicKey] { try S.privateKeys(n).map(\.publicKey) }

    @Test func newSetIsInCometBFTOrderWithLookups() throws {
        let keys = try Self.keys(4)
        let powers: [Int64] = [5, 10, 5, 1]
        let set = try ValidatorSet(validators: keys.indices.map { Validator(publicKey: keys[$0], votingPower: powers[$0]) })
        #expect(set.count == 4 && set.totalVotingPower == 21)
        #expect(set.validators.map(\.votingPower) == [10, 5, 5, 1])
        #expect(set.validators[1].address < set.validators[2].address)
        for (i, v) in set.validators.enumerated() {
            #expect(set.index(of: v.address) == i)
            #expect(set.validator(at: i) == v)
            #expect(set.validator(for: v.address) == v)
        }
        #expect(set.validator(at: 4) == nil && set.validator(at: -1) == nil)
        #expect(set.index(of: Address(bytes: [1, 2, 3])) == nil)
        // The first round already ran: priorities sum to zero and the heaviest proposes.
        #expect(set.validators.reduce(0) { $0 + $1.proposerPriority } == 0)
        #expect(set.proposer?.votingPower == 10)
    }

    @Test func newSetErrors() throws {
        let keys = try Self.keys(2)
        let a = Validator(publicKey: keys[0], votingPower: 1)
        #expect(throws: ValidatorSetError.duplicateValidator(a.address)) { try ValidatorSet(validators: [a, a]) }
        #expect(throws: ValidatorSetError.zeroVotingPower(keys[1].address)) {
            try ValidatorSet(validators: [a, Validator(publicKey: keys[1], votingPower: 0)])
        }
        #expect(throws: ValidatorSetError.negativeVotingPower(keys[1].address, -1)) {
            try ValidatorSet(validators: [a, Validator(publicKey: keys[1], votingPower: -1)])
        }
        let max = ValidatorSet.maxTotalVotingPower
        #expect(throws: ValidatorSetError.votingPowerTooHigh(keys[1].address, max + 1)) {
            try ValidatorSet(validators: [Validator(publicKey: keys[1], votingPower: max + 1)])
        }
        #expect(throws: ValidatorSetError.totalVotingPowerTooHigh) {
            try ValidatorSet(validators: [a, Validator(publicKey: keys[1], votingPower: max)])
        }
        #expect(try ValidatorSet(validators: [Validator(publicKey: keys[1], votingPower: max)]).totalVotingPower == max)
    }

    /// A new validator enters at −(P + P/8), P the total with updates applied before removals;
    /// then the set is centred. Three validators of power 10 (priorities centred at 0) plus a
    /// fourth of power 20: P = 50, so it enters at −56; the average (−14) is subtracted from all.
    @Test func addedValidatorStartsBehind() throws {
        let keys = try Self.keys(4)
        var set = ValidatorSet(sortedValidators: keys.prefix(3).map { Validator(publicKey: $0, votingPower: 10) }
            .sorted(by: Validator.setOrder), proposerIndex: 0)
        try set.update(with: [ValidatorUpdate(publicKey: keys[3], power: 20)])
        #expect(set.count == 4 && set.totalVotingPower == 50)
        let added = try #require(set.validator(for: keys[3].address))
        #expect(added.proposerPriority == -56 + 14)  // −42
        #expect(set.validators.filter { $0.address != added.address }.allSatisfy { $0.proposerPriority == 14 })
        #expect(set.validators.first?.address == added.address, "heaviest first")
    }

    /// A power change keeps the validator's priority; a removal drops it; then the survivors are
    /// centred on their floor average (the window, 2 × 35, is not exceeded, so no rescale).
    @Test func changePowerKeepsPriorityAndRemoveDropsValidator() throws {
        let keys = try Self.keys(3)
        var set = try ValidatorSet(validators: keys.map { Validator(publicKey: $0, votingPower: 10) })
        set.incrementProposerPriority(times: 2)
        let p0 = try #require(set.validator(for: keys[0].address)).proposerPriority
        let p1 = try #require(set.validator(for: keys[1].address)).proposerPriority
        try set.update(with: [ValidatorUpdate(publicKey: keys[0], power: 25), ValidatorUpdate(publicKey: keys[2], power: 0)])
        #expect(set.count == 2 && set.totalVotingPower == 35)
        #expect(set.validator(for: keys[2].address) == nil)
        #expect(set.validators.map(\.address) == [keys[0].address, keys[1].address])
        #expect(set.validators.map(\.votingPower) == [25, 10])
        let average = ValidatorSet.floorAverage([p0, p1]) ?? 0
        #expect(set.validators.map(\.proposerPriority) == [p0 - average, p1 - average])
        let proposer = try #require(set.proposer)
        #expect(set.contains(proposer.address))
    }

    @Test func updateErrorsLeaveTheSetUnchanged() throws {
        let keys = try Self.keys(3)
        let original = try ValidatorSet(validators: keys.prefix(2).map { Validator(publicKey: $0, votingPower: 10) })
        var set = original
        #expect(throws: ValidatorSetError.removingUnknownValidator(keys[2].address)) {
            try set.update(with: [ValidatorUpdate(publicKey: keys[2], power: 0)])
        }
        #expect(throws: ValidatorSetError.emptySet) {
            try set.update(with: keys.prefix(2).map { ValidatorUpdate(publicKey: $0, power: 0) })
        }
        #expect(throws: ValidatorSetError.duplicateValidator(keys[0].address)) {
            try set.update(with: [ValidatorUpdate(publicKey: keys[0], power: 3), ValidatorUpdate(publicKey: keys[0], power: 4)])
        }
        #expect(throws: ValidatorSetError.negativeVotingPower(keys[1].address, -5)) {
            try set.update(with: [ValidatorUpdate(publicKey: keys[1], power: -5)])
        }
        #expect(throws: ValidatorSetError.totalVotingPowerTooHigh) {
            try set.update(with: [ValidatorUpdate(publicKey: keys[2], power: ValidatorSet.maxTotalVotingPower - 5)])
        }
        #expect(set == original)
        try set.update(with: [])
        #expect(set == original)
    }

    /// Decreases are applied before increases when checking the cap, so swapping power between
    /// validators at the maximum total is allowed.
    @Test func capIsCheckedDecreasesFirst() throws {
        let keys = try Self.keys(2)
        let half = ValidatorSet.maxTotalVotingPower / 2
        var set = try ValidatorSet(validators: keys.map { Validator(publicKey: $0, votingPower: half) })
        try set.update(with: [ValidatorUpdate(publicKey: keys[0], power: half + 1), ValidatorUpdate(publicKey: keys[1], power: half - 1)])
        #expect(set.totalVotingPower == 2 * half)
    }

    /// Replacing every validator at once: the new ones are priced against the total before the
    /// removals (P = 2 + 3 = 5 here, so both enter at −5 and centre to 0).
    @Test func replaceAllValidators() throws {
        let keys = try Self.keys(4)
        var set = try ValidatorSet(validators: keys.prefix(2).map { Validator(publicKey: $0, votingPower: 1) })
        try set.update(with: [
            ValidatorUpdate(publicKey: keys[0], power: 0), ValidatorUpdate(publicKey: keys[1], power: 0),
            ValidatorUpdate(publicKey: keys[2], power: 2), ValidatorUpdate(publicKey: keys[3], power: 1),
        ])
        #expect(set.validators.map(\.address) == [keys[2].address, keys[3].address])
        #expect(set.validators.map(\.proposerPriority) == [0, 0])
        #expect(set.proposer != nil)
    }
}
