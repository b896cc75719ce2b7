import Foundation
import PalisadeCrypto

/// A JSON value whose objects keep their key order, so responses list fields in the order of
/// CometBFT's Go structs, and whose numbers keep their text, so int64 parameters never pass
/// through a `Double`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text (already validated when parsed).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// A member `key` of an object; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// JSON's name for this value's kind, as error messages say it.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// One `"key": value` of an object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// An object from `(key, value)` pairs, in order.
    static func obj(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember($0.key, $0.value) })
    }

    /// Go's int64/uint64 under CometBFT's JSON: a decimal string.
    static func int64(_ value: Int64) -> JSONValue { .string(String(value)) }
    static func uint64(_ value: UInt64) -> JSONValue { .string(String(value)) }
    /// Go's int32/uint32: a plain number.
    static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }
    /// `bytes.HexBytes`: upper hex, `""` when empty.
    static func hex(_ bytes: Bytes) -> JSONValue { .string(bytes.upperHex) }
    /// `[]byte`: standard base64; a nil slice (what protobuf decoding leaves for empty bytes) is `null`.
    static func base64OrNull(_ bytes: Bytes) -> JSONValue {
        bytes.isEmpty ? .null : .string(Data(bytes).base64EncodedString())
    }
    /// `[]byte` that Go holds non-nil even when empty: `""`.
    static func base64(_ bytes: Bytes) -> JSONValue { .string(Data(bytes).base64EncodedString()) }
}
