/// Why the application's FinalizeBlock answer cannot be applied. The chain must halt: the block
/// is committed, but the state it leads to is undefined.
public struct StateTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field path inside `FinalizeBlockResponse` (or `block` for a mismatch with the block).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "FinalizeBlock: \(field): \(reason)" }
}
