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
