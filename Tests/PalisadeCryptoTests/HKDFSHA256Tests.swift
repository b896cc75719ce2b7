import PalisadeCrypto
import Testing

/// RFC 5869 appendix A, the SHA-256 cases (1: salt and info; 3: neither, as CometBFT calls it).
@Suite struct HKDFSHA256Tests {
    @Test func rfc5869Case1() throws {
        let okm = HKDFSHA256.derive(
            inputKeyMaterial: Bytes(repeating: 0x0b, count: 22), salt: Bytes(0x00...0x0c), info: Bytes(0xf0...0xf9),
            outputByteCount: 42)
        #expect(okm.hex == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test func rfc5869Case3WithoutSaltOrInfo() {
        let okm = HKDFSHA256.derive(inputKeyMaterial: Bytes(repeating: 0x0b, count: 22), info: [], outputByteCount: 42)
        #expect(okm.hex == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }
}
