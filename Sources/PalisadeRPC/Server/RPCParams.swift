import Foundation
import PalisadeCrypto

/// The arguments of one call, from a JSON-RPC `params` object or array, or from a URI query.
/// Accessors convert as CometBFT's server does: int64 from a JSON string or number (over URI,
/// bare digits), bytes from base64 in JSON (over URI, `0x` hex or a quoted string), strings JSON
/// quoted over URI. A missing or `null` argument is `nil` (Go's zero value / nil pointer).
struct RPCParams {
    enum Source {
        case json([String: JSONValue])
        case uri([String: String])
    }

    let source: Source

    /// Converts a `params` value for a method taking `names` (positional arrays must give all).
    init(json: JSONValue?, names: [String]) throws(RPCError) {
        switch json {
        case nil, .null?: source = .json([:])
        case .object(let members)?:
            var map: [String: JSONValue] = [:]
            for m in members { map[m.key] = m.value }
            source = .json(map)
        case .array(let items)?:
            guard items.count == names.count else {
                throw Self.jsonError("expected \(names.count) parameters (\(names)), got \(items.count)")
            }
            source = .json(Dictionary(uniqueKeysWithValues: zip(names, items)))
        case let other?:
            throw Self.jsonError("unknown type for JSON params: \(other.kindName). Expected map or array")
        }
    }

    init(query: [String: String]) { source = .uri(query) }

    static func jsonError(_ detail: String) -> RPCError {
        .invalidParams("error converting json params to arguments: " + detail)
    }

    private func fail(_ name: String, _ detail: String) -> RPCError {
        switch source {
        case .json: Self.jsonError("\(name): \(detail)")
        case .uri: .invalidParams("error converting http params to arguments: \(name): \(detail)")
        }
    }

    /// The argument as JSON; URI text is read as JSON after the CometBFT shortcuts.
    private func raw(_ name: String) -> JSONValue? {
        switch source {
        case .json(let map):
            guard let v = map[name], v != .null else { return nil }
            return v
        case .uri(let map):
            guard let text = map[name], !text.isEmpty else { return nil }
            return (try? JSONValue(parsing: Array(text.utf8))) ?? .string(text)
        }
    }

    private var isURI: Bool { if case .uri = source { true } else { false } }

    /// The argument as JSON, unconverted (`broadcast_evidence`'s evidence object).
    func json(_ name: String) -> JSONValue? { raw(name) }

    func int64(_ name: String) throws(RPCError) -> Int64? {
        guard let v = raw(name) else { return nil }
        switch v {
        case .string(let s), .number(let s):
            guard let n = Int64(s) else { throw fail(name, "cannot parse \(s.debugDescription) as int64") }
            return n
        default: throw fail(name, "cannot unmarshal \(v.kindName) into int64")
        }
    }

    func int(_ name: String) throws(RPCError) -> Int? {
        guard let n = try int64(name) else { return nil }
        guard let i = Int(exactly: n) else { throw fail(name, "\(n) out of range") }
        return i
    }

    func bool(_ name: String) throws(RPCError) -> Bool? {
        guard let v = raw(name) else { return nil }
        guard case .bool(let b) = v else { throw fail(name, "cannot unmarshal \(v.kindName) into bool") }
        return b
    }

    func string(_ name: String) throws(RPCError) -> String? {
        if isURI, let hex = uriHex(name) { return String(decoding: try hex.get(), as: UTF8.self) }
        guard let v = raw(name) else { return nil }
        guard case .string(let s) = v else { throw fail(name, "cannot unmarshal \(v.kindName) into string") }
        if isURI, case .uri(let map) = source, map[name]?.hasPrefix("\"") != true {
            throw fail(name, "invalid character '\(s.prefix(1))' looking for beginning of value")
        }
        return s
    }

    func strings(_ name: String) throws(RPCError) -> [String] {
        guard let v = raw(name) else { return [] }
        guard case .array(let items) = v else { throw fail(name, "cannot unmarshal \(v.kindName) into []string") }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw fail(name, "cannot unmarshal \(item.kindName) into string") }
            out.append(s)
        }
        return out
    }

    /// `[]byte`: base64 in JSON; over URI `0x` hex or a quoted string's own bytes.
    func bytes(_ name: String) throws(RPCError) -> Bytes? {
        if isURI { return try uriBytes(name) }
        guard let v = raw(name) else { return nil }
        guard case .string(let s) = v else { throw fail(name, "cannot unmarshal \(v.kindName) into []byte") }
        guard let data = Data(base64Encoded: s) else { throw fail(name, "illegal base64 data") }
        return Bytes(data)
    }

    /// `bytes.HexBytes`: hex in JSON; over URI as `bytes`.
    func hexBytes(_ name: String) throws(RPCError) -> Bytes? {
        if isURI { return try uriBytes(name) }
        guard let v = raw(name) else { return nil }
        guard case .string(let s) = v else { throw fail(name, "cannot unmarshal \(v.kindName) into HexBytes") }
        guard let b = Bytes(hex: s) else { throw fail(name, "encoding/hex: invalid byte in \(s.debugDescription)") }
        return b
    }

    private func uriHex(_ name: String) -> Result<Bytes, RPCError>? {
        guard case .uri(let map) = source, let text = map[name], text.lowercased().hasPrefix("0x") else { return nil }
        guard let b = Bytes(hex: text.dropFirst(2)) else { return .failure(fail(name, "encoding/hex: invalid byte")) }
        return .success(b)
    }

    private func uriBytes(_ name: String) throws(RPCError) -> Bytes? {
        if let hex = uriHex(name) { return try hex.get() }
        guard case .uri(let map) = source, let text = map[name], !text.isEmpty else { return nil }
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""),
              case .string(let s)? = try? JSONValue(parsing: Array(text.utf8))
        else { throw fail(name, "expected 0x-prefixed hex or a quoted string") }
        return Bytes(s.utf8)
    }
}
