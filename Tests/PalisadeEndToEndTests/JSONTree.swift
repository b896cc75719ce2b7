import Foundation

/// A JSON document as its kinds (this test target cannot import PalisadeRPC's `JSONValue`).
/// Decoding through `JSONDecoder` keeps `true` apart from `1`, which `JSONSerialization`'s
/// `NSNumber` does not; key order is dropped, since shapes do not depend on it.
indirect enum JSONTree: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONTree].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    init(parsing data: Data) throws { self = try JSONDecoder().decode(JSONTree.self, from: data) }

    init(file url: URL) throws {
        do {
            try self.init(parsing: try Data(contentsOf: url))
        } catch {
            throw LocalnetError("\(url.lastPathComponent): \(error)")
        }
    }

    subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> JSONTree? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var items: [JSONTree]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// An int64 as CometBFT writes it (a decimal string), or a plain JSON number.
    var int64: Int64? {
        switch self {
        case .string(let text): Int64(text)
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The same document with `key` of the top-level object set to `value` (params rewrites).
    func setting(_ path: [String], to value: JSONTree) -> JSONTree {
        guard let key = path.first else { return value }
        guard case .object(var members) = self else { return self }
        members[key] = (members[key] ?? .object([:])).setting(Array(path.dropFirst()), to: value)
        return .object(members)
    }

    /// The document with `transform` applied at `path`; `*` steps into every element of an array.
    func transforming(_ path: [String], _ transform: (JSONTree) -> JSONTree) -> JSONTree {
        guard let step = path.first else { return transform(self) }
        let rest = Array(path.dropFirst())
        switch self {
        case .array(let items) where step == "*":
            return .array(items.map { $0.transforming(rest, transform) })
        case .object(var members):
            if let member = members[step] { members[step] = member.transforming(rest, transform) }
            return .object(members)
        default:
            return self
        }
    }

    /// Every value found at `path` (`*`: every element of an array).
    func values(at path: [String]) -> [JSONTree] {
        guard let step = path.first else { return [self] }
        let rest = Array(path.dropFirst())
        if step == "*", let items { return items.flatMap { $0.values(at: rest) } }
        return self[step]?.values(at: rest) ?? []
    }

    /// Serialized for sending. Numbers come back as integers when they are whole (ids, heights).
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if let whole = Int64(exactly: value) { return String(whole) }
            return String(value)
        case .string(let value):
            let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { JSONTree.string($0).text + ":" + (members[$0] ?? .null).text }
                .joined(separator: ",") + "}"
        }
    }
}

/// Shape comparison, as `PalisadeRPCTests`' `JSONShape` does it against the fake backend: the
/// same kinds of value and the same object keys, recursively. Arrays: each element of ours is
/// compared with the recorded first element, and a non-empty recorded array needs a non-empty
/// one from us, so the element shape really is checked.
enum JSONShape {
    static func differences(ours: JSONTree, recorded: JSONTree, path: String = "$") -> [String] {
        switch (ours, recorded) {
        case (.object(let a), .object(let b)):
            var out: [String] = []
            for key in Set(b.keys).subtracting(a.keys).sorted() { out.append("\(path).\(key): missing") }
            for key in Set(a.keys).subtracting(b.keys).sorted() { out.append("\(path).\(key): not in the recording") }
            for key in b.keys.sorted() {
                if let mine = a[key], let theirs = b[key] {
                    out += differences(ours: mine, recorded: theirs, path: path + "." + key)
                }
            }
            return out
        case (.array(let a), .array(let b)):
            guard let first = b.first else { return a.isEmpty ? [] : ["\(path): recorded [] but we sent elements"] }
            guard !a.isEmpty else { return ["\(path): empty, recorded has elements"] }
            return a.enumerated().flatMap { differences(ours: $0.element, recorded: first, path: "\(path)[\($0.offset)]") }
        default:
            return ours.kindName == recorded.kindName ? [] : ["\(path): \(ours.kindName), recorded \(recorded.kindName)"]
        }
    }
}
