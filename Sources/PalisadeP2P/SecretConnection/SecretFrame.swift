import PalisadeCrypto

/// The sealed frame of CometBFT's secret connection: a 4-byte little-endian data length and up
/// to 1024 data bytes, zero-padded to 1028, sealed with ChaCha20-Poly1305 into 1044 bytes. The
/// 12-byte nonce is four zero bytes then the frame counter, 64-bit little-endian (`incrNonce`).
public enum SecretFrame {
    public static let dataLengthSize = 4
    public static let maxDataSize = 1024
    public static let plaintextSize = dataLengthSize + maxDataSize
    public static let sealedSize = plaintextSize + ChaCha20Poly1305.tagSize

    static func nonce(counter: UInt64) -> Bytes {
        var nonce = Bytes(repeating: 0, count: ChaCha20Poly1305.nonceSize)
        for index in 0..<8 { nonce[4 + index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
        return nonce
    }
}

/// Seals outgoing data into frames under the send key, counting nonces from zero.
public struct SecretFrameSealer: Sendable {
    private let key: Bytes
    public private(set) var counter: UInt64 = 0

    public init(key: Bytes) { self.key = key }

    /// One frame per 1024 bytes (none for empty data, as CometBFT's `Write`), concatenated.
    public mutating func seal(_ data: Bytes) throws(SecretConnectionError) -> Bytes {
        var out = Bytes()
        out.reserveCapacity((data.count / SecretFrame.maxDataSize + 1) * SecretFrame.sealedSize)
        var start = 0
        while start < data.count {
            guard counter < .max else { throw .nonceExhausted }
            let end = min(start + SecretFrame.maxDataSize, data.count)
            var frame = Bytes(repeating: 0, count: SecretFrame.plaintextSize)
            let length = UInt32(end - start)
            for index in 0..<SecretFrame.dataLengthSize { frame[index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
            frame.replaceSubrange(SecretFrame.dataLengthSize..<SecretFrame.dataLengthSize + (end - start), with: data[start..<end])
            out += ChaCha20Poly1305.seal(frame, key: key, nonce: SecretFrame.nonce(counter: counter))
            counter += 1
            start = end
        }
        return out
    }
}

/// Opens incoming frames under the receive key. Bytes are buffered until a whole sealed frame
/// is in, so it can be fed whatever the socket delivers.
public struct SecretFrameOpener: Sendable {
    private let key: Bytes
    public private(set) var counter: UInt64 = 0
    private var buffered = Bytes()

    public init(key: Bytes) { self.key = key }

    /// Bytes of a frame not yet complete; non-zero at end of stream means a truncated frame.
    public var bufferedCount: Int { buffered.count }

    /// The data of every frame completed by `bytes`, in order.
    public mutating func open(_ bytes: some Collection<UInt8>) throws(SecretConnectionError) -> Bytes {
        buffered.append(contentsOf: bytes)
        var data = Bytes()
        var start = 0
        while buffered.count - start >= SecretFrame.sealedSize {
            let sealed = Bytes(buffered[start..<start + SecretFrame.sealedSize])
            guard counter < .max else { throw .nonceExhausted }
            guard let frame = ChaCha20Poly1305.open(sealed, key: key, nonce: SecretFrame.nonce(counter: counter)) else {
                throw .frameDecryptFailed(counter: counter)
            }
            counter += 1
            var length: UInt32 = 0
            for index in 0..<SecretFrame.dataLengthSize { length |= UInt32(frame[index]) << (8 * UInt32(index)) }
            guard length <= SecretFrame.maxDataSize else { throw .frameDataTooLong(length: length) }
            data += frame[SecretFrame.dataLengthSize..<SecretFrame.dataLengthSize + Int(length)]
            start += SecretFrame.sealedSize
        }
        buffered.removeFirst(start)
        return data
    }

    /// Call at end of stream: a partly received frame is an error, not silently dropped.
    public func finish() throws(SecretConnectionError) {
        guard buffered.isEmpty else { throw .truncated(have: buffered.count, need: SecretFrame.sealedSize) }
    }
}
