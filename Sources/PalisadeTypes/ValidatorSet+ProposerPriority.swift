/// Proposer selection: CometBFT's weighted round robin. Each round every validator gains its
/// voting power in priority; the one with the most priority proposes and pays the total power
/// back. Over `total` rounds each validator proposes `power` times, spread evenly.
///
/// Priority arithmetic saturates at the 64-bit bounds (CometBFT's `safeAddClip`/`safeSubClip`)
/// instead of wrapping; with the total capped at `maxTotalVotingPower` it never gets near them.
extension ValidatorSet {
    /// CometBFT's `IncrementProposerPriority`: rescale and centre the priorities once, then run
    /// `times` rounds of selection; the last round's pick becomes `proposer`. Zero (or negative)
    /// `times`, or an empty set, leaves the set unchanged.
    public mutating func incrementProposerPriority(times: Int) {
        guard times > 0, !validators.isEmpty else { return }
        rescalePriorities(diffMax: Self.priorityWindowSizeFactor * totalVotingPower)
        shiftByAveragePriority()
        var chosen = 0
        for _ in 0..<times { chosen = incrementProposerPriorityOnce() }
        setProposer(index: chosen)
    }

    /// The set as it will stand `times` rounds later; this one is untouched.
    public func copyIncrementingProposerPriority(times: Int) -> ValidatorSet {
        var copy = self
        copy.incrementProposerPriority(times: times)
        return copy
    }

    /// One round: everyone gains their power, the validator with the most priority is chosen and
    /// loses the total. Returns the chosen index.
    mutating func incrementProposerPriorityOnce() -> Int {
        for i in validators.indices {
            setPriority(Self.clippedAdd(validators[i].proposerPriority, validators[i].votingPower), at: i)
        }
        // The set is non-empty here (checked by the caller).
        let chosen = indexWithMostPriority() ?? 0
        setPriority(Self.clippedSubtract(validators[chosen].proposerPriority, totalVotingPower), at: chosen)
        return chosen
    }

    /// The index of the validator with the highest priority, ties to the lower address.
    func indexWithMostPriority() -> Int? {
        guard !validators.isEmpty else { return nil }
        var best = 0
        for i in validators.indices.dropFirst() where validators[i].hasPriority(over: validators[best]) {
            best = i
        }
        return best
    }

    /// CometBFT's `RescalePriorities`: when the spread (max − min) exceeds `diffMax`, divide
    /// every priority by ceil(spread / diffMax), truncating toward zero as Go's `/` does. This
    /// bounds how long a validator whose priority fell far behind waits to propose again.
    mutating func rescalePriorities(diffMax: Int64) {
        guard diffMax > 0, let minimum = validators.map(\.proposerPriority).min(),
              let maximum = validators.map(\.proposerPriority).max() else { return }
        // max − min of two Int64 always fits in UInt64.
        let spread = UInt64(bitPattern: maximum &- minimum)
        let window = UInt64(diffMax)
        guard spread > window else { return }
        let ratio = spread / window + (spread % window == 0 ? 0 : 1)
        for i in validators.indices {
            setPriority(Self.truncatingDivide(validators[i].proposerPriority, by: ratio), at: i)
        }
    }

    /// CometBFT's `shiftByAvgProposerPriority`: subtract the average priority from each, so
    /// priorities stay centred on zero. The average is floor division (Go's `big.Int.Div`), exact
    /// for any sum of 64-bit priorities.
    mutating func shiftByAveragePriority() {
        guard let average = Self.floorAverage(validators.map(\.proposerPriority)) else { return }
        for i in validators.indices {
            setPriority(Self.clippedSubtract(validators[i].proposerPriority, average), at: i)
        }
    }

    /// floor(Σ values / n), exact: the sum is kept in 128 bits (a signed high word and an
    /// unsigned low word), and the average of 64-bit values always fits back in 64 bits.
    static func floorAverage(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        var high: Int64 = 0
        var low: UInt64 = 0
        for value in values {
            let (sum, carry) = low.addingReportingOverflow(UInt64(bitPattern: value))
            low = sum
            // Sign-extend the value into the high word, plus the carry out of the low word.
            high += (value < 0 ? -1 : 0) + (carry ? 1 : 0)
        }
        let (quotient, remainder) = Int64(values.count).dividingFullWidth((high: high, low: low))
        // Swift's division truncates toward zero; floor differs when a negative sum leaves a remainder.
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// `value / divisor` rounded toward zero, for a divisor that may not fit in Int64.
    static func truncatingDivide(_ value: Int64, by divisor: UInt64) -> Int64 {
        let magnitude = value.magnitude / divisor
        // divisor ≥ 2 here, so the magnitude is at most 2^62 and fits.
        return value < 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    static func clippedAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    static func clippedSubtract(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        return b > 0 ? .min : .max
    }
}
