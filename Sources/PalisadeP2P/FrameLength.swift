import PalisadeCrypto

/// The unsigned-varint length prefix of a frame. Parsed byte by byte with the limit checked as
/// soon as the value exceeds it, so a hostile prefix is refused before any body is read or
/// allocated; only the minimal encoding is accepted, so each length has one byte form.
public enum FrameLength {
    /// Longest prefix we ever need: 5 varint bytes cover 2^35, far above any sane limit.
    static let maxPrefixBytes = 5

    public enum Parse: Sendable, Equatable {
        case needMoreBytes
        case length(body: Int, prefixBytes: Int)
    }

    /// Reads a prefix from the start of `bytes`; `limit` is the largest body length accepted.
    public static func parse(_ bytes: some Collection<UInt8>, limit: Int) throws(P2PError) -> Parse {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            value |= UInt64(byte & 0x7f) << shift
            if value > UInt64(limit) { throw .frameTooLarge(length: value, limit: limit) }
            if byte & 0x80 == 0 {
                // A zero final byte after others is a padded (non-minimal) encoding.
                if byte == 0, count > 1 { throw .malformedLength }
                return .length(body: Int(value), prefixBytes: count)
            }
            shift += 7
            if count == maxPrefixBytes { throw .malformedLength }
        }
        return .needMoreBytes
    }

    static func encode(_ length: Int) -> Bytes {
        var out = Bytes()
        var value = UInt64(length)
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }
}
