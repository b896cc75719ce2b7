/// A 32-byte digest as four words, for sets and dictionary keys: `[UInt8]` hashes byte by byte
/// (32 combines and a length), this hashes four words. Equal exactly when the digests are.
public struct DigestKey: Hashable, Sendable {
    public let a, b, c, d: UInt64

    /// From the first 32 bytes of `digest` (zeros where it is shorter).
    public init(_ digest: Bytes) {
        self = digest.withUnsafeBytes { DigestKey(rawBuffer: $0) }
    }

    public init(rawBuffer raw: UnsafeRawBufferPointer) {
        func word(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 where offset + index < raw.count {
                value |= UInt64(raw[offset + index]) << UInt64(8 * index)
            }
            return value
        }
        (a, b, c, d) = (word(0), word(8), word(16), word(24))
    }
}
