/// Why a key or sign-state file could not be read. It names the file and the field, in the form
/// `priv_validator_key.json: priv_key.value: expected 64 bytes, got 32`, so an operator can open
/// the file and fix the line; `field` is empty when the whole file is at fault (not JSON, too large).
public struct KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var reason: String

    public init(file: String, field: String, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.isEmpty ? "\(file): \(reason)" : "\(file): \(field): \(reason)"
    }
}
