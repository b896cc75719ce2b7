/// How much the light client trusts, and for how long. CometBFT's defaults: 1/3 trust level,
/// 10 s of clock drift; the trusting period has no default because it must be shorter than the
/// chain's unbonding period, which only the operator knows (CometBFT's `light` command uses 168 h).
public struct VerificationOptions: Sendable, Hashable {
    /// How long a verified header stays usable as a root of trust.
    public var trustingPeriod: Duration
    /// How far in the future (of the client's clock) a header's time may be.
    public var maxClockDrift: Duration
    public var trustLevel: TrustLevel

    public init(trustingPeriod: Duration, maxClockDrift: Duration = .seconds(10),
                trustLevel: TrustLevel = .oneThird) {
        self.trustingPeriod = trustingPeriod
        self.maxClockDrift = maxClockDrift
        self.trustLevel = trustLevel
    }
}

extension Duration {
    /// Whole nanoseconds, saturating: periods longer than Int64 nanoseconds (292 years) are
    /// "forever" for a light client.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let whole = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !whole.overflow else { return seconds < 0 ? .min : .max }
        let sum = whole.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sum.overflow ? (seconds < 0 ? .min : .max) : sum.partialValue
    }
}
