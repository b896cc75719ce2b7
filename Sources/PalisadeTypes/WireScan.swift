import PalisadeCrypto
import SwiftProtobuf

/// Finds which top-level field of a protobuf message is malformed. It first walks the wire format
/// (tag, then a varint, fixed or length-delimited payload); if the framing is sound, the fault is
/// inside a field, so each field is decoded on its own as the message type to find the one that fails.
enum WireScan {
    static func firstBadField<M: SwiftProtobuf.Message>(_ bytes: Bytes, as type: M.Type) -> Int? {
        var fields: [(number: Int, range: Range<Int>)] = []
        var offset = 0
        var lastNumber = 0
        while offset < bytes.count {
            let start = offset
            guard let (tag, tagLength) = Varint.read(bytes, at: offset) else { return lastNumber == 0 ? nil : lastNumber }
            offset += tagLength
            let number = Int(truncatingIfNeeded: tag >> 3)
            lastNumber = number
            switch tag & 7 {
            case 0:
                guard let (_, length) = Varint.read(bytes, at: offset) else { return number }
                offset += length
            case 1:
                guard bytes.count - offset >= 8 else { return number }
                offset += 8
            case 2:
                guard let (length, prefix) = Varint.read(bytes, at: offset),
                      length <= UInt64(bytes.count - offset - prefix) else { return number }
                offset += prefix + Int(length)
            case 5:
                guard bytes.count - offset >= 4 else { return number }
                offset += 4
            default:
                return number
            }
            fields.append((number, start..<offset))
        }
        for field in fields where (try? M(serializedBytes: Bytes(bytes[field.range]))) == nil {
            return field.number
        }
        return nil
    }
}
