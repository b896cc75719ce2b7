import PalisadeCrypto

/// Applying validator updates (CometBFT's `UpdateWithChangeSet`). The whole change set is checked
/// before anything is applied, so a refused change leaves the set as it was.
extension ValidatorSet {
    /// Applies an application's updates: a positive power adds the validator or changes its power,
    /// zero removes it. A newly added validator starts at priority −(P + P/8), P being the total
    /// power with the updates applied but before removals, so that leaving and re-joining cannot
    /// reset a low priority. Priorities are then rescaled and centred; no proposer round is run
    /// (the caller increments once per height, as CometBFT's state transition does).
    public mutating func update(with changes: [ValidatorUpdate]) throws(ValidatorSetError) {
        try apply(changes: changes.map { Validator(publicKey: $0.publicKey, votingPower: $0.power) },
                  allowDeletes: true)
    }

    /// The shared core of `init(validators:)` (no deletes allowed) and `update(with:)`.
    mutating func apply(changes: [Validator], allowDeletes: Bool) throws(ValidatorSetError) {
        guard !changes.isEmpty else { return }
        let (updates, deletes) = try Self.split(changes)
        if !allowDeletes, let first = deletes.first { throw .zeroVotingPower(first.address) }

        let newCount = updates.filter { !contains($0.address) }.count
        if newCount == 0 && deletes.count == validators.count { throw .emptySet }

        var removedPower: Int64 = 0
        for delete in deletes {
            guard let existing = validator(for: delete.address) else { throw .removingUnknownValidator(delete.address) }
            removedPower += existing.votingPower
        }
        let totalBeforeRemovals = try totalAfterUpdates(updates, removedPower: removedPower)

        var byAddress = [Address: Validator](minimumCapacity: validators.count + updates.count)
        for v in validators { byAddress[v.address] = v }
        for var update in updates {
            if let existing = byAddress[update.address] {
                update.proposerPriority = existing.proposerPriority
            } else {
                update.proposerPriority = -(totalBeforeRemovals + (totalBeforeRemovals >> 3))
            }
            byAddress[update.address] = update
        }
        for delete in deletes { byAddress[delete.address] = nil }

        replaceValidators(byAddress.values.sorted(by: Validator.setOrder))
        rescalePriorities(diffMax: Self.priorityWindowSizeFactor * totalVotingPower)
        shiftByAveragePriority()
    }

    /// Sorts the changes by address, rejects duplicates and bad powers, and splits them into
    /// updates (power > 0) and deletes (power 0), as CometBFT's `processChanges`.
    private static func split(_ changes: [Validator]) throws(ValidatorSetError) -> (updates: [Validator], deletes: [Validator]) {
        var updates: [Validator] = []
        var deletes: [Validator] = []
        var previous: Address?
        for change in changes.sorted(by: { $0.address < $1.address }) {
            if change.address == previous { throw .duplicateValidator(change.address) }
            if change.votingPower < 0 { throw .negativeVotingPower(change.address, change.votingPower) }
            if change.votingPower > maxTotalVotingPower { throw .votingPowerTooHigh(change.address, change.votingPower) }
            if change.votingPower == 0 { deletes.append(change) } else { updates.append(change) }
            previous = change.address
        }
        return (updates, deletes)
    }

    /// CometBFT's `verifyUpdates`: applies the power changes smallest delta first (so decreases
    /// come before increases) and checks every intermediate total against the cap. Returns the
    /// total with the updates applied and the removals not yet subtracted.
    private func totalAfterUpdates(_ updates: [Validator], removedPower: Int64) throws(ValidatorSetError) -> Int64 {
        // Each power and each total is at most Int64.max / 8, so these sums cannot overflow.
        let deltas = updates.map { $0.votingPower - (validator(for: $0.address)?.votingPower ?? 0) }.sorted()
        var total = totalVotingPower - removedPower
        for delta in deltas {
            total += delta
            if total > Self.maxTotalVotingPower { throw .totalVotingPowerTooHigh }
        }
        return total + removedPower
    }
}
