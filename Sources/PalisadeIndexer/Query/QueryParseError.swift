/// A query that does not parse. `offset` counts Unicode scalars from the start of the query, so a
/// client can point at the culprit; the description follows CometBFT's `offset N: ...` wording.
public struct QueryParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "offset \(offset): \(reason)" }
}
