import PalisadeCrypto
import PalisadeStorage

/// Why a `ConsensusSigner` returned no signature, sorted by what the runtime must do about it.
public enum SignerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The double-sign guard refused (ours, in this process): nothing to send for this step.
    case refused(SignRefusal)
    /// The signer's own files failed; nothing was released. The node stops: it cannot sign safely.
    case storage(FilePrivValidatorError)
    /// The remote signer answered with a `RemoteSignerError` (its guard refused, say): the
    /// validator misses this step.
    case remoteRefused(code: Int32, description: String)
    /// No remote signer is connected, it did not answer in time, or its answer was unusable (bad
    /// signature, another message than asked for). The validator misses this step and signs
    /// again once a signer is back: CometBFT's node does the same, and waiting would stall
    /// consensus for every other validator's timeouts as well.
    case unavailable(String)

    /// Sorts the file signer's failures: a refusal is routine, anything else is fatal.
    public init(_ error: FilePrivValidatorError) {
        if case .refused(let refusal) = error { self = .refused(refusal) } else { self = .storage(error) }
    }

    public var description: String {
        switch self {
        case let .refused(refusal): "refusing to sign: \(refusal)"
        case let .storage(error): error.description
        case let .remoteRefused(code, description): "remote signer refused (code \(code)): \(description)"
        case let .unavailable(reason): "remote signer unavailable: \(reason)"
        }
    }
}
