/// The fraction of a trusted validator set's power that must have signed a header before the
/// light client believes it without checking every height in between (CometBFT's `trustLevel`).
///
/// Why 1/3 is the floor: if more than 1/3 of the power of a set we still trust signed the new
/// header, at least one of its signers is correct (the security model assumes fewer than 1/3 of
/// a trusted set is faulty within the trusting period), and a correct validator only signs
/// headers of the real chain. Above 1 no commit could ever pass.
public struct TrustLevel: Sendable, Hashable, CustomStringConvertible {
    public let numerator: UInt64
    public let denominator: UInt64

    /// Refuses fractions outside [1/3, 1] with CometBFT's wording, so a misconfigured client
    /// fails at start rather than trusting too little or never verifying anything.
    public init(numerator: UInt64, denominator: UInt64) throws(LightVerificationError) {
        guard denominator != 0,
              numerator <= denominator,
              numerator.multipliedReportingOverflow(by: 3).partialValue >= denominator,
              !numerator.multipliedReportingOverflow(by: 3).overflow
        else { throw .invalidTrustLevel(numerator: numerator, denominator: denominator) }
        self.numerator = numerator
        self.denominator = denominator
    }

    private init(unchecked numerator: UInt64, _ denominator: UInt64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// CometBFT's `DefaultTrustLevel`.
    public static let oneThird = TrustLevel(unchecked: 1, 3)

    public var description: String { "\(numerator)/\(denominator)" }
}
