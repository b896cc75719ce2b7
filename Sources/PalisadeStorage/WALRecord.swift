import PalisadeCrypto

/// The record framing, format version 1 (WAL-FORMAT.md):
///
///     offset 0   magic    "PWAL" (50 57 41 4C)
///     offset 4   version  1
///     offset 5   length   payload bytes, u32 big-endian, at most `maxPayload`
///     offset 9   crc      CRC-32C of bytes 0..<9 and the payload, u32 big-endian
///     offset 13  payload  `WALEntry.encoded()`
///
/// The checksum covers the length, so a flipped length bit is caught like a flipped payload bit.
enum WALRecord {
    static let magic: Bytes = [0x50, 0x57, 0x41, 0x4C]
    static let version: UInt8 = 1
    static let headerSize = 13
    static let maxPayload = 64 << 20

    static func frame(_ payload: Bytes) -> Bytes {
        var out = magic
        out.append(version)
        let length = UInt32(truncatingIfNeeded: payload.count)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        let crc = CRC32C.update(CRC32C.checksum(out), payload)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        out.append(contentsOf: payload)
        return out
    }

    /// What sits at an offset of the file.
    enum Check: Equatable {
        /// A whole record with a correct checksum: payload range and the offset after it.
        case valid(payload: Range<Int>, next: Int)
        /// The bytes are a correct beginning of a record but the file ends first (a torn append).
        case truncated
        case invalid(String)
        /// A whole record with a correct checksum but a framing version this binary does not know.
        case unsupportedVersion(UInt8)
    }

    static func check(_ bytes: Bytes, at offset: Int) -> Check {
        let remaining = bytes.count - offset
        for i in 0..<min(magic.count, remaining) where bytes[offset + i] != magic[i] {
            return .invalid("bad magic")
        }
        if remaining < 9 { return .truncated }
        let length = Int(readU32(bytes, at: offset + 5))
        guard length <= maxPayload else { return .invalid("length \(length) exceeds \(maxPayload)") }
        guard remaining >= headerSize + length else { return .truncated }
        let payload = (offset + headerSize)..<(offset + headerSize + length)
        let expected = CRC32C.update(CRC32C.checksum(bytes[offset..<offset + 9]), bytes[payload])
        guard readU32(bytes, at: offset + 9) == expected else { return .invalid("checksum mismatch") }
        // Checked after the checksum: a damaged version byte is damage, a correct unknown one is a newer format.
        guard bytes[offset + 4] == version else { return .unsupportedVersion(bytes[offset + 4]) }
        return .valid(payload: payload, next: payload.upperBound)
    }

    /// The first offset after `offset` holding a complete valid record, if any: decides whether
    /// damage at `offset` is a torn tail (nothing valid after it) or corruption in the middle.
    static func nextValid(_ bytes: Bytes, after offset: Int) -> Int? {
        var candidate = offset + 1
        while candidate + headerSize <= bytes.count {
            if bytes[candidate] == magic[0], case .valid = check(bytes, at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }

    private static func readU32(_ bytes: Bytes, at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// The result of reading a WAL file: its entries with their offsets, and where the valid prefix
/// ends. `damage` describes what follows that prefix (a torn or corrupt tail) when anything does.
struct WALScan {
    var entries: [(offset: Int, entry: WALEntry)] = []
    var validLength = 0
    var damage: String?

    /// Classifies damage as ARCHITECTURE §5 rule 4 asks: a bad record with a valid record anywhere
    /// after it is corruption in the middle (an error naming the offset); a bad region that runs
    /// to the end of the file is a torn or corrupt tail, for the caller to truncate. A file whose
    /// very first bytes are neither the start of a record nor zeros is refused, so that pointing
    /// the WAL at the wrong file never truncates it.
    static func scan(_ bytes: Bytes, path: String) throws(WALError) -> WALScan {
        var result = WALScan()
        var offset = 0
        while offset < bytes.count {
            let reason: String
            switch WALRecord.check(bytes, at: offset) {
            case let .valid(payload, next):
                do {
                    result.entries.append((offset, try WALEntry(encoded: Bytes(bytes[payload]))))
                } catch {
                    throw .undecodableRecord(path: path, offset: offset, error: error)
                }
                offset = next
                result.validLength = offset
                continue
            case let .unsupportedVersion(found):
                throw .unsupportedVersion(path: path, offset: offset, version: found)
            case .truncated:
                reason = "partial record (\(bytes.count - offset) bytes)"
            case let .invalid(why):
                reason = why
            }
            if let later = WALRecord.nextValid(bytes, after: offset) {
                throw .corruptRecord(path: path, offset: offset,
                                     reason: "\(reason); next valid record at byte offset \(later)")
            }
            if offset == 0, reason == "bad magic", bytes.contains(where: { $0 != 0 }) {
                throw .notAWAL(path: path, reason: "no valid record, bad magic at byte offset 0")
            }
            result.damage = "\(reason) at byte offset \(offset), \(bytes.count - offset) bytes"
            return result
        }
        return result
    }
}
