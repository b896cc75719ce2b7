import Foundation
import PalisadeCrypto
import PalisadeTypes

/// Why a JSON value could not be read as the CometBFT type expected: the dotted path of the
/// field and what was wrong, so a caller can say which answer or parameter was bad.
public struct JSONShapeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public var description: String { "\(field): \(reason)" }
}

/// Reads CometBFT's JSON primitives: int64 as decimal strings (numbers accepted too), hashes and
/// addresses in hex, bytes in base64 (absent or null is empty), times in RFC 3339.
enum JSONRead {
    static func int(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> Int64 {
        switch v {
        case .string(let s)?, .number(let s)?:
            guard let n = Int64(s) else { throw JSONShapeError(field: field, reason: "not an integer") }
            return n
        default: throw JSONShapeError(field: field, reason: "missing or not an integer")
        }
    }

    static func text(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> String {
        guard case .string(let s)? = v else { throw JSONShapeError(field: field, reason: "missing or not a string") }
        return s
    }

    static func hex(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> Bytes {
        guard let b = Bytes(hex: try text(v, field)) else { throw JSONShapeError(field: field, reason: "not hex") }
        return b
    }

    static func base64(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> Bytes {
        if v == nil || v == .null { return [] }
        guard let d = Data(base64Encoded: try text(v, field)) else { throw JSONShapeError(field: field, reason: "not base64") }
        return Bytes(d)
    }

    static func time(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> Timestamp {
        guard let t = Timestamp(rfc3339: try text(v, field)) else {
            throw JSONShapeError(field: field, reason: "not an RFC 3339 time")
        }
        return t
    }

    static func array(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> [JSONValue] {
        switch v {
        case .array(let items)?: return items
        case .null?: return []
        default: throw JSONShapeError(field: field, reason: "missing or not an array")
        }
    }

    static func blockID(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> BlockID {
        let parts = v?["parts"]
        guard let total = UInt32(exactly: try int(parts?["total"], field + ".parts.total")) else {
            throw JSONShapeError(field: field + ".parts.total", reason: "out of range")
        }
        return BlockID(hash: try hex(v?["hash"], field + ".hash"),
                       partSetHeader: PartSetHeader(total: total, hash: try hex(parts?["hash"], field + ".parts.hash")))
    }
}
