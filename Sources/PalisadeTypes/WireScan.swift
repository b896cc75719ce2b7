import PalisadeCrypto
import SwiftProtobuf

/// Names the field at fault in protobuf bytes that swift-protobuf refused (it says what went
/// wrong, never where). It walks the top-level wire format itself: tag, then a varint, fixed or
/// length-delimited payload. Shared by every decoder that must report "message.field: reason".
public enum WireScan {
    public struct Field: Sendable, Equatable {
        public var number: Int
        /// 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
        public var wireType: UInt64
        public var range: Range<Int>
    }

    public enum Framing: Sendable, Equatable {
        /// Every top-level field is framed correctly; a fault, if any, is inside one of them.
        case sound([Field])
        /// Framing breaks at field `at` (nil when even its tag is unreadable), after `fields`.
        case broken(fields: [Field], at: Int?)
    }

    public static func framing(_ bytes: Bytes) -> Framing {
        var fields: [Field] = []
        var offset = 0
        while offset < bytes.count {
            let start = offset
            guard let (tag, tagLength) = Varint.read(bytes, at: offset) else { return .broken(fields: fields, at: nil) }
            offset += tagLength
            let number = Int(truncatingIfNeeded: tag >> 3)
            let wireType = tag & 7
            switch wireType {
            case 0:
                guard let (_, length) = Varint.read(bytes, at: offset) else { return .broken(fields: fields, at: number) }
                offset += length
            case 1:
                guard bytes.count - offset >= 8 else { return .broken(fields: fields, at: number) }
                offset += 8
            case 2:
                guard let (length, prefix) = Varint.read(bytes, at: offset),
                      length <= UInt64(bytes.count - offset - prefix) else { return .broken(fields: fields, at: number) }
                offset += prefix + Int(length)
            case 5:
                guard bytes.count - offset >= 4 else { return .broken(fields: fields, at: number) }
                offset += 4
            default:
                return .broken(fields: fields, at: number)
            }
            fields.append(Field(number: number, wireType: wireType, range: start..<offset))
        }
        return .sound(fields)
    }

    /// The top-level field of `M` that is malformed: where the framing breaks, or else the first
    /// field that does not decode as `M` on its own.
    static func firstBadField<M: SwiftProtobuf.Message>(_ bytes: Bytes, as type: M.Type) -> Int? {
        switch framing(bytes) {
        case .broken(let fields, let at):
            return at ?? fields.last?.number
        case .sound(let fields):
            return fields.first { (try? M(serializedBytes: Bytes(bytes[$0.range]))) == nil }?.number
        }
    }
}
