import PalisadeTypes

/// BFT time as CometBFT v0.38 computes a block's header time: the median of the previous
/// height's commit timestamps, each counted as many times as its validator's voting power. Since
/// a commit holds +2/3 of the power, the result lies between timestamps of correct validators,
/// and because our votes are stamped after the last block's time it increases with height.
public enum MedianTime {
    /// The weighted median of `commit`'s non-absent signatures (COMMIT and NIL alike), weighted by
    /// their validators' power in `validators` (the set that signed `commit`); signatures from
    /// addresses outside the set are skipped. Nil when nothing is left to take a median of
    /// (height 1 uses the genesis time instead).
    public static func of(_ commit: Commit, validators: ValidatorSet) -> Timestamp? {
        var weighted: [(time: Timestamp, power: Int64)] = []
        var total: Int64 = 0
        for signature in commit.signatures where signature.blockIDFlag != .absent {
            guard let validator = validators.validator(for: signature.validatorAddress) else { continue }
            weighted.append((signature.timestamp, validator.votingPower))
            total += validator.votingPower
        }
        return weightedMedian(weighted, totalPower: total)
    }

    /// The first time, in ascending order, at which the power seen so far covers half of
    /// `totalPower` (rounded down): the element a power-weighted list would hold at its middle.
    static func weightedMedian(_ weighted: [(time: Timestamp, power: Int64)], totalPower: Int64) -> Timestamp? {
        var remaining = totalPower / 2
        for entry in weighted.sorted(by: { $0.time < $1.time }) {
            if remaining <= entry.power { return entry.time }
            remaining -= entry.power
        }
        return nil
    }
}
