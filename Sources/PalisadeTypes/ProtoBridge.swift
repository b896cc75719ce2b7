import Foundation
import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

extension Array where Element == UInt8 {
    /// Foundation `Data` for swift-protobuf's `bytes` fields.
    var data: Data { Data(self) }
}

extension Data {
    var bytes: Bytes { Bytes(self) }
}

extension Timestamp {
    var proto: Google_Protobuf_Timestamp {
        var t = Google_Protobuf_Timestamp()
        t.seconds = seconds
        t.nanos = nanos
        return t
    }

    init(proto: Google_Protobuf_Timestamp) { self.init(seconds: proto.seconds, nanos: proto.nanos) }
}

/// Why a message from outside (a peer, a file, an app) could not become one of our types.
/// It names the message and the field so an operator can find the fault.
public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var field: String
    public var reason: String

    public init(message: String, field: String, reason: String) {
        self.message = message
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(message).\(field): \(reason)" }
}

/// Where a decoder is inside a message, so a nested failure still names the outer message and the
/// full field path (`Block` / `last_commit.signatures[2].timestamp`).
struct FieldPath: Sendable {
    let message: String
    let path: String

    init(message: String, path: String = "") {
        self.message = message
        self.path = path
    }

    func child(_ name: String) -> FieldPath {
        FieldPath(message: message, path: path.isEmpty ? name : path + "." + name)
    }

    func index(_ i: Int) -> FieldPath { FieldPath(message: message, path: path + "[\(i)]") }

    func error(_ reason: String) -> DecodingError {
        DecodingError(message: message, field: path.isEmpty ? "(message)" : path, reason: reason)
    }

    /// A hash field is empty (absent) or exactly SHA-256 sized, as CometBFT's `ValidateHash` requires.
    func hash(_ data: Data) throws(DecodingError) -> Bytes {
        guard data.isEmpty || data.count == SHA256Hash.size else {
            throw error("hash of \(data.count) bytes, want 0 or \(SHA256Hash.size)")
        }
        return data.bytes
    }

    /// Timestamps must have nanos in 0..<1e9 and lie in years 1...9999, as Go's `time` accepts them.
    func timestamp(_ proto: Google_Protobuf_Timestamp) throws(DecodingError) -> Timestamp {
        guard (0..<1_000_000_000).contains(proto.nanos) else { throw error("nanos \(proto.nanos) out of range") }
        guard proto.seconds >= Timestamp.goZero.seconds, proto.seconds <= 253_402_300_799 else {
            throw error("seconds \(proto.seconds) outside years 1-9999")
        }
        return Timestamp(proto: proto)
    }
}

/// Decodes protobuf bytes from outside into a generated message. swift-protobuf reports what went
/// wrong but not where; on failure the top-level fields are scanned to name the one at fault.
enum ProtoDecoder {
    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from bytes: Bytes, message: String,
                                                 fieldNames: [Int: String]) throws(DecodingError) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            let reason = "malformed protobuf (\(error))"
            guard let number = WireScan.firstBadField(bytes, as: type) else {
                throw DecodingError(message: message, field: "(message)", reason: reason)
            }
            throw DecodingError(message: message, field: fieldNames[number] ?? "field \(number)", reason: reason)
        }
    }
}
