import PalisadeABCI

/// Why the staking app refused a transaction: each case is a CheckTx / TxResult code, stable so
/// that clients can act on it, and a log line that says what to fix.
public enum StakingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a staking transaction (bad version, tag, length or amount).
    case malformed(String)
    /// The signature does not verify for this chain id.
    case badSignature
    /// The nonce is not the signer's next one.
    case badNonce(expected: UInt64, got: UInt64)
    /// The signer has no account: only addresses that hold or held tokens may send transactions.
    case unknownAccount(Address)
    /// The balance (or bonded stake) does not cover the amount.
    case insufficientFunds(needed: Int64, available: Int64)
    /// A well-formed, signed transaction the state does not allow (bonding to another owner's
    /// validator, unjailing too early, ...).
    case notAllowed(String)

    public var code: UInt32 {
        switch self {
        case .malformed: 1
        case .badSignature: 2
        case .badNonce: 3
        case .unknownAccount: 4
        case .insufficientFunds: 5
        case .notAllowed: 6
        }
    }

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed transaction: \(reason)"
        case .badSignature: "signature does not verify for this chain id"
        case .badNonce(let expected, let got): "bad nonce: expected \(expected), got \(got)"
        case .unknownAccount(let address): "unknown account \(address)"
        case .insufficientFunds(let needed, let available): "insufficient funds: need \(needed), have \(available)"
        case .notAllowed(let reason): reason
        }
    }
}
