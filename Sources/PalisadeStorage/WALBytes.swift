import PalisadeCrypto

/// Big-endian fixed-width fields and u32-length-prefixed byte strings: the WAL payload's only
/// building blocks. Fixed widths keep the encoding deterministic (one encoding per value).
struct WALWriter {
    private(set) var bytes: Bytes = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

    /// Callers keep each string far below 4 GiB (a record is at most `WALRecord.maxPayload`).
    mutating func lengthPrefixed(_ value: Bytes) {
        u32(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }
}

/// Reads what `WALWriter` wrote. Every read checks bounds and throws a `WALDecodingError` naming
/// the field; nothing here can trap on bad bytes.
struct WALReader {
    private let bytes: Bytes
    private(set) var offset = 0

    init(_ bytes: Bytes) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int, _ field: String) throws(WALDecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw WALDecodingError(field: field, reason: "needs \(count) bytes, \(bytes.count - offset) left")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func u8(_ field: String) throws(WALDecodingError) -> UInt8 {
        try take(1, field).first ?? 0
    }

    mutating func u32(_ field: String) throws(WALDecodingError) -> UInt32 {
        try take(4, field).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64(_ field: String) throws(WALDecodingError) -> UInt64 {
        try take(8, field).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func i32(_ field: String) throws(WALDecodingError) -> Int32 { Int32(bitPattern: try u32(field)) }
    mutating func i64(_ field: String) throws(WALDecodingError) -> Int64 { Int64(bitPattern: try u64(field)) }

    mutating func bool(_ field: String) throws(WALDecodingError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let other: throw WALDecodingError(field: field, reason: "expected 0 or 1, got \(other)")
        }
    }

    mutating func lengthPrefixed(_ field: String) throws(WALDecodingError) -> Bytes {
        let length = try u32(field + ".length")
        return Bytes(try take(Int(length), field))
    }

    func expectEnd() throws(WALDecodingError) {
        guard isAtEnd else { throw WALDecodingError(field: "(entry)", reason: "\(bytes.count - offset) trailing bytes") }
    }
}

/// A record passed its checksum but its payload is not a valid entry: a bug or a newer format,
/// never a torn write, so it is always an error (never silently truncated).
public struct WALDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
