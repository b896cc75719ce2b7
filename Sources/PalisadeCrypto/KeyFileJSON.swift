import Foundation

/// A JSON value typed exactly as written, so that `"round": "0"` is reported as a string where a
/// number belongs instead of being coerced. Key files are small and flat; this is all they need.
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// How an error message names the type that was found instead.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One field of a key file on the way in: its value (nil when absent) and its dotted path, so that
/// every failure below can say which file and which field.
struct KeyFileField {
    /// Key files are a few hundred bytes; refusing anything far larger keeps a hostile or mistaken
    /// file (a log, a disk image) from costing memory and time before it is rejected.
    static let maximumFileSize = 64 * 1024

    let file: String
    let path: String
    let value: JSONValue?

    /// The file's top-level object.
    static func root(of data: Data, file: String) throws(KeyFileError) -> KeyFileField {
        guard data.count <= maximumFileSize else {
            throw KeyFileError(file: file, field: "", reason: "file is \(data.count) bytes; a key file is at most \(maximumFileSize)")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw KeyFileError(file: file, field: "", reason: "not valid JSON")
        }
        guard case .object = value else {
            throw KeyFileError(file: file, field: "", reason: "expected a JSON object, got \(value.kind)")
        }
        return KeyFileField(file: file, path: "", value: value)
    }

    func error(_ reason: String) -> KeyFileError { KeyFileError(file: file, field: path, reason: reason) }

    func child(_ key: String) throws(KeyFileError) -> KeyFileField {
        let childPath = path.isEmpty ? key : path + "." + key
        guard case .object(let members)? = value else {
            throw error(value.map { "expected an object, got \($0.kind)" } ?? "missing")
        }
        return KeyFileField(file: file, path: childPath, value: members[key])
    }

    /// True when the field is absent or null, which Go's `omitempty` fields may be.
    var isAbsent: Bool {
        switch value {
        case nil, .null?: true
        default: false
        }
    }

    func string() throws(KeyFileError) -> String {
        switch value {
        case .string(let text)?: return text
        case nil: throw error("missing")
        case let other?: throw error("expected a string, got \(other.kind)")
        }
    }

    /// An int64 written as a decimal string, as CometBFT's JSON writes every 64-bit integer.
    func int64String() throws(KeyFileError) -> Int64 {
        let text = try string()
        guard let value = Int64(text) else { throw error("expected an integer in a string, got \"\(text.prefix(40))\"") }
        return value
    }

    func integer<T: FixedWidthInteger>(_: T.Type) throws(KeyFileError) -> T {
        switch value {
        case .integer(let number)?:
            guard let exact = T(exactly: number) else { throw error("\(number) is out of range for \(T.self)") }
            return exact
        case nil: throw error("missing")
        case let other?: throw error("expected an integer, got \(other.kind)")
        }
    }

    /// Standard base64 with padding (Go's `encoding/json` form for `[]byte`), of an exact length when given.
    func base64(count expected: Int? = nil) throws(KeyFileError) -> Bytes {
        let text = try string()
        guard let data = Data(base64Encoded: text) else { throw error("not valid base64") }
        if let expected, data.count != expected { throw error("expected \(expected) bytes, got \(data.count)") }
        return Bytes(data)
    }

    /// Hex of either case (CometBFT writes upper case), of an exact length when given.
    func hex(count expected: Int? = nil) throws(KeyFileError) -> Bytes {
        let text = try string()
        guard let bytes = Bytes(hex: text) else { throw error("not valid hex") }
        if let expected, bytes.count != expected { throw error("expected \(expected) bytes, got \(bytes.count)") }
        return bytes
    }

    /// CometBFT's amino-JSON key wrapper `{"type": …, "value": base64}`; returns the value's bytes.
    func typedKey(type expectedType: String, count: Int) throws(KeyFileError) -> Bytes {
        let typeField = try child("type")
        let type = try typeField.string()
        guard type == expectedType else {
            throw typeField.error("unsupported key type \"\(type.prefix(60))\"; expected \"\(expectedType)\"")
        }
        return try child("value").base64(count: count)
    }
}

/// Writes JSON exactly as Go's `json.MarshalIndent(v, "", "  ")` lays it out, which is what
/// CometBFT writes and what operators' tools and diffs expect. Values here are hex, base64,
/// digits and fixed type names, none of which need escaping.
enum KeyFileWriter {
    enum Value {
        case string(String)
        case number(String)
        case object([(String, Value)])
    }

    static func indented(_ members: [(String, Value)]) -> Data {
        var out = ""
        write(.object(members), indent: "", to: &out)
        return Data(out.utf8)
    }

    static func compact(_ members: [(String, Value)]) -> Data {
        var out = ""
        writeCompact(.object(members), to: &out)
        return Data(out.utf8)
    }

    private static func write(_ value: Value, indent: String, to out: inout String) {
        switch value {
        case .string(let text): out += "\"" + text + "\""
        case .number(let digits): out += digits
        case .object(let members):
            let inner = indent + "  "
            out += "{\n"
            for (index, (key, member)) in members.enumerated() {
                out += inner + "\"" + key + "\": "
                write(member, indent: inner, to: &out)
                out += index + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    private static func writeCompact(_ value: Value, to out: inout String) {
        switch value {
        case .string(let text): out += "\"" + text + "\""
        case .number(let digits): out += digits
        case .object(let members):
            out += "{"
            for (index, (key, member)) in members.enumerated() {
                if index > 0 { out += "," }
                out += "\"" + key + "\":"
                writeCompact(member, to: &out)
            }
            out += "}"
        }
    }

    /// `{"type": …, "value": base64}`, CometBFT's registered-type wrapper for keys.
    static func typedKey(type: String, bytes: Bytes) -> Value {
        .object([("type", .string(type)), ("value", .string(Data(bytes).base64EncodedString()))])
    }
}

enum KeyTypeName {
    static let ed25519PublicKey = "tendermint/PubKeyEd25519"
    static let ed25519PrivateKey = "tendermint/PrivKeyEd25519"
}
