/// The Keccak-f[1600] permutation (FIPS 202 §3.3, 24 rounds of θ ρ π χ ι) on 25 little-endian
/// 64-bit lanes, lane (x, y) at index x + 5y. Palisade needs the bare permutation, not SHA-3:
/// STROBE-128, under CometBFT's Merlin transcript, runs its own sponge over it.
public enum KeccakF1600 {
    public static let laneCount = 25
    public static let stateSize = 200

    /// ι: one constant per round, from the spec's LFSR.
    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// ρ: the rotation of lane x + 5y.
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ]

    /// π: lane x + 5y moves to lane y + 5((2x + 3y) mod 5).
    private static let destinations: [Int] = (0..<25).map { index in
        let (x, y) = (index % 5, index / 5)
        return y + 5 * ((2 * x + 3 * y) % 5)
    }

    /// Permutes 25 lanes in place; any other count is a caller bug.
    public static func permute(_ lanes: inout [UInt64]) {
        precondition(lanes.count == laneCount, "Keccak-f[1600] state must have 25 lanes")
        var moved = [UInt64](repeating: 0, count: laneCount)
        var parity = [UInt64](repeating: 0, count: 5)
        for constant in roundConstants {
            // θ: each lane absorbs the parity of two neighbouring columns.
            for x in 0..<5 { parity[x] = lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20] }
            for x in 0..<5 {
                let d = parity[(x + 4) % 5] ^ rotate(parity[(x + 1) % 5], 1)
                for y in stride(from: 0, to: 25, by: 5) { lanes[x + y] ^= d }
            }
            // ρ and π together.
            for index in 0..<laneCount { moved[destinations[index]] = rotate(lanes[index], rotations[index]) }
            // χ: the only non-linear step, row by row.
            for y in stride(from: 0, to: 25, by: 5) {
                for x in 0..<5 { lanes[x + y] = moved[x + y] ^ (~moved[(x + 1) % 5 + y] & moved[(x + 2) % 5 + y]) }
            }
            lanes[0] ^= constant
        }
    }

    /// Permutes a 200-byte state, lanes read and written little-endian as the sponge sees them.
    public static func permute(bytes state: inout Bytes) {
        precondition(state.count == stateSize, "Keccak-f[1600] state must have 200 bytes")
        var lanes = [UInt64](repeating: 0, count: laneCount)
        for index in 0..<laneCount {
            var lane: UInt64 = 0
            for byte in 0..<8 { lane |= UInt64(state[8 * index + byte]) << (8 * UInt64(byte)) }
            lanes[index] = lane
        }
        permute(&lanes)
        for index in 0..<laneCount {
            for byte in 0..<8 { state[8 * index + byte] = UInt8(truncatingIfNeeded: lanes[index] >> (8 * UInt64(byte))) }
        }
    }

    private static func rotate(_ lane: UInt64, _ amount: UInt64) -> UInt64 {
        amount == 0 ? lane : (lane << amount) | (lane >> (64 - amount))
    }
}
