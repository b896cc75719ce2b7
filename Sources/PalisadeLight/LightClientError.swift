import PalisadeCrypto
import PalisadeTypes

/// Why the light client could not give a verified block. Each case says whom not to believe.
public enum LightClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The primary's answer failed verification between two heights.
    case verificationFailed(from: Int64, to: Int64, reason: LightVerificationError)
    case provider(id: String, LightProviderError)
    /// The block at the trust height does not have the hash the operator trusted.
    case trustedHashMismatch(height: Int64, expected: Bytes, got: Bytes)
    /// A witness holds a different header at a height the primary's header verified at, and the
    /// witness's header verifies from our trusted root as well: two conflicting chains signed by
    /// validators we trust. Someone equivocated; the client stops rather than pick one.
    case lightClientAttack(height: Int64, primary: String, primaryHash: Bytes, witness: String, witnessHash: Bytes)
    /// Every witness was dropped (unreachable or caught lying); CometBFT refuses to go on alone.
    case noWitnessesLeft
    /// The client has no trusted block yet: initialise it with a trusted height and hash.
    case notInitialized
    /// The height asked for is below the oldest trusted block and the header chain back to it broke.
    case backwardsVerificationFailed(height: Int64, reason: LightVerificationError)

    public var description: String {
        switch self {
        case .verificationFailed(let from, let to, let reason):
            "verify from #\(from) to #\(to) failed: \(reason)"
        case .provider(let id, let error): "\(id): \(error)"
        case .trustedHashMismatch(let height, let expected, let got):
            "expected header's hash \(expected.upperHex), but got \(got.upperHex) at height \(height)"
        case .lightClientAttack(let height, let primary, let primaryHash, let witness, let witnessHash):
            "attempted attack detected at height \(height): primary \(primary) has \(primaryHash.upperHex), "
                + "witness \(witness) has \(witnessHash.upperHex); both verify"
        case .noWitnessesLeft: "no witnesses connected. please reset light client"
        case .notInitialized: "light client is not initialized with a trusted block"
        case .backwardsVerificationFailed(let height, let reason): "backwards verification to #\(height) failed: \(reason)"
        }
    }
}
