import Crypto

/// HKDF (RFC 5869) with SHA-256, through swift-crypto. CometBFT's secret connection expands the
/// X25519 secret with it into its two directional ChaCha20-Poly1305 keys.
public enum HKDFSHA256 {
    /// Up to 255 · 32 bytes of output key material; RFC 5869 allows no more.
    public static func derive(inputKeyMaterial: Bytes, salt: Bytes = [], info: Bytes, outputByteCount: Int) -> Bytes {
        precondition(outputByteCount <= 255 * SHA256Hash.size, "HKDF-SHA256 output above 8160 bytes")
        let key = HKDF<Crypto.SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: inputKeyMaterial), salt: salt, info: info,
            outputByteCount: outputByteCount)
        return key.withUnsafeBytes { Bytes($0) }
    }
}
