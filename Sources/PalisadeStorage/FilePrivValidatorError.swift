import PalisadeCrypto

/// Why the file signer did not produce a signature. Every case says which file or which rule, so
/// the operator knows whether to fix a file, free disk space, or look for a second validator
/// process running with the same key.
public enum FilePrivValidatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `priv_validator_key.json` or `priv_validator_state.json` is malformed; names file and field.
    case malformedFile(KeyFileError)
    /// A file could not be read, written or synced. When this comes from signing, nothing was
    /// released: the caller must not broadcast, and may retry.
    case io(FileIOError)
    /// The double-sign guard refused: a regression, or a different message at a signed (h, r, step).
    case refused(SignRefusal)
    /// Another process holds the lock beside the state file: it signs with the same state.
    case stateLocked(path: String)

    public var description: String {
        switch self {
        case let .malformedFile(error): error.description
        case let .io(error): error.description
        case let .refused(refusal): "refusing to sign: \(refusal)"
        case let .stateLocked(path): "\(path) is locked: another process signs with this state file"
        }
    }
}
