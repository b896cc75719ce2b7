import CSodium
import PalisadeCrypto

/// ChaCha20-Poly1305 (IETF, 96-bit nonce) under one directional key. The nonce is the 64-bit
/// message counter, little-endian, followed by four zero bytes: never reused because each
/// direction has its own key and the counter only moves forward.
enum SecureBox {
    static let keySize = Int(crypto_aead_chacha20poly1305_ietf_KEYBYTES)
    static let tagSize = Int(crypto_aead_chacha20poly1305_ietf_ABYTES)
    static let nonceSize = Int(crypto_aead_chacha20poly1305_ietf_NPUBBYTES)

    static func nonce(counter: UInt64) -> Bytes {
        var nonce = Bytes(repeating: 0, count: nonceSize)
        for index in 0..<8 { nonce[index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
        return nonce
    }

    static func seal(_ plaintext: Bytes, key: Bytes, counter: UInt64, associatedData: Bytes = []) -> Bytes {
        precondition(key.count == keySize, "session key of wrong size")
        SodiumInit.ready()
        var out = Bytes(repeating: 0, count: plaintext.count + tagSize)
        var outLength: UInt64 = 0
        let nonce = nonce(counter: counter)
        // Encryption cannot fail for in-memory sizes; libsodium returns 0.
        _ = withPointer(plaintext) { m, mLength in
            withPointer(associatedData) { ad, adLength in
                crypto_aead_chacha20poly1305_ietf_encrypt(&out, &outLength, m, mLength, ad, adLength, nil, nonce, key)
            }
        }
        return out
    }

    /// `nil` when the tag does not verify.
    static func open(_ ciphertext: Bytes, key: Bytes, counter: UInt64, associatedData: Bytes = []) -> Bytes? {
        guard ciphertext.count >= tagSize, key.count == keySize else { return nil }
        SodiumInit.ready()
        var out = Bytes(repeating: 0, count: ciphertext.count - tagSize)
        var outLength: UInt64 = 0
        let nonce = nonce(counter: counter)
        let rc = withPointer(ciphertext) { c, cLength in
            withPointer(associatedData) { ad, adLength in
                out.withUnsafeMutableBufferPointer { m in
                    crypto_aead_chacha20poly1305_ietf_decrypt(
                        m.baseAddress, &outLength, nil, c, cLength, ad, adLength, nonce, key)
                }
            }
        }
        guard rc == 0 else { return nil }
        return out
    }

    /// libsodium wants a valid pointer even for zero bytes; an empty array may have none.
    private static func withPointer<R>(_ bytes: Bytes, _ body: (UnsafePointer<UInt8>, UInt64) -> R) -> R {
        if bytes.isEmpty {
            let placeholder: Bytes = [0]
            return placeholder.withUnsafeBufferPointer { body($0.baseAddress!, 0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, UInt64($0.count)) }
    }
}
