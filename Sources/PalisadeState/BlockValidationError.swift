/// Why a block does not follow from the state: names the header or block field at fault, so a
/// rejected proposal's log line says which rule it broke.
public struct BlockValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field path inside `Block`, such as `header.app_hash` or `last_commit`.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "Block.\(field): \(reason)" }
}
