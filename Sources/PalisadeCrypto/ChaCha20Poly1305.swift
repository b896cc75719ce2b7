import CSodium

/// ChaCha20-Poly1305 (IETF, 96-bit nonce) under one directional key. Palisade's own frames use
/// the 64-bit message counter, little-endian, followed by four zero bytes: never reused because
/// each direction has its own key and the counter only moves forward. Protocols with another
/// nonce layout (CometBFT's secret connection) pass the 12 bytes themselves.
public enum ChaCha20Poly1305 {
    public static let keySize = Int(crypto_aead_chacha20poly1305_ietf_KEYBYTES)
    public static let tagSize = Int(crypto_aead_chacha20poly1305_ietf_ABYTES)
    public static let nonceSize = Int(crypto_aead_chacha20poly1305_ietf_NPUBBYTES)

    public static func nonce(counter: UInt64) -> Bytes {
        var nonce = Bytes(repeating: 0, count: nonceSize)
        for index in 0..<8 { nonce[index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
        return nonce
    }

    public static func seal(_ plaintext: Bytes, key: Bytes, counter: UInt64, associatedData: Bytes = []) -> Bytes {
        seal(plaintext, key: key, nonce: nonce(counter: counter), associatedData: associatedData)
    }

    public static func seal(_ plaintext: Bytes, key: Bytes, nonce: Bytes, associatedData: Bytes = []) -> Bytes {
        precondition(key.count == keySize, "session key of wrong size")
        precondition(nonce.count == nonceSize, "nonce of wrong size")
        Sodium.ready()
        var out = Bytes(repeating: 0, count: plaintext.count + tagSize)
        var outLength: UInt64 = 0
        // Encryption cannot fail for in-memory sizes; libsodium returns 0.
        _ = Sodium.withPointer(plaintext) { m, mLength in
            Sodium.withPointer(associatedData) { ad, adLength in
                crypto_aead_chacha20poly1305_ietf_encrypt(&out, &outLength, m, mLength, ad, adLength, nil, nonce, key)
            }
        }
        return out
    }

    /// `nil` when the tag does not verify.
    public static func open(_ ciphertext: Bytes, key: Bytes, counter: UInt64, associatedData: Bytes = []) -> Bytes? {
        open(ciphertext, key: key, nonce: nonce(counter: counter), associatedData: associatedData)
    }

    /// `nil` when the tag does not verify.
    public static func open(_ ciphertext: Bytes, key: Bytes, nonce: Bytes, associatedData: Bytes = []) -> Bytes? {
        guard ciphertext.count >= tagSize, key.count == keySize, nonce.count == nonceSize else { return nil }
        Sodium.ready()
        var out = Bytes(repeating: 0, count: ciphertext.count - tagSize)
        var outLength: UInt64 = 0
        let rc = Sodium.withPointer(ciphertext) { c, cLength in
            Sodium.withPointer(associatedData) { ad, adLength in
                out.withUnsafeMutableBufferPointer { m in
                    crypto_aead_chacha20poly1305_ietf_decrypt(
                        m.baseAddress, &outLength, nil, c, cLength, ad, adLength, nonce, key)
                }
            }
        }
        guard rc == 0 else { return nil }
        return out
    }
}
