import PalisadeTypes

/// Why the light client refused a header. The cases follow CometBFT's `light` errors, so an
/// operator reading a refusal sees the reason CometBFT would have given.
public enum LightVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The trusted header is older than the trusting period: validators that signed it may have
    /// unbonded since, so its set proves nothing now. Re-initialise from a fresh trusted hash.
    case oldHeaderExpired(expiredAt: Timestamp, now: Timestamp)
    /// The new header (or its commit, or its validator set) is malformed or does not verify.
    case invalidHeader(String)
    /// Less than the trust level of the trusted set signed the new header. Not proof of an
    /// attack: the set changed too much, and a header in between must be verified first.
    case newValSetCantBeTrusted(got: Int64, needed: Int64)
    /// Signatures of the new header's own set add up to 2/3 or less of its power.
    case notEnoughVotingPowerSigned(got: Int64, needed: Int64)
    case invalidTrustLevel(numerator: UInt64, denominator: UInt64)
    case invalidCommit(String)

    public var description: String {
        switch self {
        case .oldHeaderExpired(let at, let now): "old header has expired at \(at) (now: \(now))"
        case .invalidHeader(let why): "invalid header: \(why)"
        case .newValSetCantBeTrusted(let got, let needed):
            "can't trust new val set: invalid commit -- insufficient old voting power: got \(got), needed more than \(needed)"
        case .notEnoughVotingPowerSigned(let got, let needed):
            "invalid commit -- insufficient voting power: got \(got), needed more than \(needed)"
        case .invalidTrustLevel(let n, let d): "trustLevel must be within [1/3, 1], given \(n)/\(d)"
        case .invalidCommit(let why): "invalid commit: \(why)"
        }
    }
}
