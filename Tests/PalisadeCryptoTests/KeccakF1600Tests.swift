import PalisadeCrypto
import Testing

@Suite struct KeccakF1600Tests {
    /// XKCP's KeccakF-1600-IntermediateValues.txt: the permutation of the all-zero state.
    static let zeroStatePermuted: [UInt64] = [
        0xF125_8F79_40E1_DDE7, 0x84D5_CCF9_33C0_478A, 0xD598_261E_A65A_A9EE, 0xBD15_4730_6F80_494D,
        0x8B28_4E05_6253_D057, 0xFF97_A42D_7F8E_6FD4, 0x90FE_E5A0_A446_47C4, 0x8C5B_DA0C_D619_2E76,
        0xAD30_A6F7_1B19_059C, 0x3093_5AB7_D08F_FC64, 0xEB5A_A93F_2317_D635, 0xA9A6_E626_0D71_2103,
        0x81A5_7C16_DBCF_555F, 0x43B8_31CD_0347_C826, 0x01F2_2F1A_11A5_569F, 0x05E5_635A_21D9_AE61,
        0x64BE_FEF2_8CC9_70F2, 0x6136_7095_7BC4_6611, 0xB87C_5A55_4FD0_0ECB, 0x8C3E_E88A_1CCF_32C8,
        0x940C_7922_AE3A_2614, 0x1841_F924_A2C5_09E4, 0x16F5_3526_E704_65C2, 0x75F6_44E9_7F30_A13B,
        0xEAF1_FF7B_5CEC_A249,
    ]

    @Test func zeroStateMatchesPublishedVector() {
        var lanes = [UInt64](repeating: 0, count: 25)
        KeccakF1600.permute(&lanes)
        #expect(lanes == Self.zeroStatePermuted)
        // The same file's second permutation starts with this lane.
        KeccakF1600.permute(&lanes)
        #expect(lanes[0] == 0x2D5C_954D_F96E_CB3C)
    }

    @Test func byteViewIsLittleEndianLanes() {
        var state = Bytes(repeating: 0, count: 200)
        KeccakF1600.permute(bytes: &state)
        #expect(Bytes(state[0..<8]).hex == "e7dde140798f25f1")
    }

    /// A one-block SHA3-256 sponge over the permutation (rate 136, padding 0x06…0x80) against
    /// FIPS 202's published digests: checks the byte order the sponge relies on.
    @Test func sha3OfOneBlockMatchesFIPS202() {
        func sha3(_ message: Bytes) -> String {
            var state = Bytes(repeating: 0, count: 200)
            for (index, byte) in message.enumerated() { state[index] ^= byte }
            state[message.count] ^= 0x06
            state[135] ^= 0x80
            KeccakF1600.permute(bytes: &state)
            return Bytes(state[0..<32]).hex
        }
        #expect(sha3([]) == "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
        #expect(sha3(Bytes("abc".utf8)) == "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
    }
}
