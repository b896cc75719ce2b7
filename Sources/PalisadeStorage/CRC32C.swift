import PalisadeCrypto

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 metadata
/// and CometBFT's WAL. It catches every burst error up to 32 bits, which is what a torn sector or
/// a flipped byte looks like; it is not a defence against an adversary (the WAL is local).
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// Feeds `bytes` into a running checksum; start with `0` and chain calls over several slices.
    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = ~crc
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { update(0, bytes) }
}
