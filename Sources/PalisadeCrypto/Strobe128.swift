/// The part of STROBE v1.0.2 at the 128-bit security level that Merlin transcripts use:
/// `meta-AD`, `AD`, `PRF` and `KEY`, with no transport direction (the T flag). Its sponge runs
/// over `KeccakF1600`; the state layout, flags and padding follow the STROBE specification so
/// that our transcripts equal those of CometBFT's Go and tmkms's Rust implementations.
public struct Strobe128: Sendable {
    /// The sponge's rate in bytes for 128-bit security: 200 − 2·(128/8) − 2.
    static let rate = 166

    private enum Flag {
        static let inbound: UInt8 = 1 << 0
        static let application: UInt8 = 1 << 1
        static let cipher: UInt8 = 1 << 2
        static let meta: UInt8 = 1 << 4
    }

    private var state: Bytes
    private var position = 0
    /// Where the current operation began (+1), absorbed at the next permutation.
    private var positionBegin = 0
    private var currentFlags: UInt8 = 0

    public init(protocolLabel: Bytes) {
        var state = Bytes(repeating: 0, count: KeccakF1600.stateSize)
        let header: Bytes = [1, UInt8(Self.rate + 2), 1, 0, 1, 96] + Bytes("STROBEv1.0.2".utf8)
        state.replaceSubrange(0..<header.count, with: header)
        KeccakF1600.permute(bytes: &state)
        self.state = state
        metaAD(protocolLabel, more: false)
    }

    public mutating func metaAD(_ data: Bytes, more: Bool) {
        begin(Flag.meta | Flag.application, more: more)
        absorb(data)
    }

    public mutating func ad(_ data: Bytes, more: Bool) {
        begin(Flag.application, more: more)
        absorb(data)
    }

    public mutating func prf(count: Int, more: Bool) -> Bytes {
        begin(Flag.inbound | Flag.application | Flag.cipher, more: more)
        return squeeze(count: count)
    }

    public mutating func key(_ data: Bytes, more: Bool) {
        begin(Flag.application | Flag.cipher, more: more)
        overwrite(data)
    }

    /// Starts an operation (or continues the previous one when `more`) by absorbing the previous
    /// start position and the flags; cipher operations begin on a fresh block.
    private mutating func begin(_ flags: UInt8, more: Bool) {
        if more {
            precondition(flags == currentFlags, "STROBE: an operation continued with other flags")
            return
        }
        let oldBegin = UInt8(positionBegin)
        positionBegin = position + 1
        currentFlags = flags
        absorb([oldBegin, flags])
        if flags & Flag.cipher != 0, position != 0 { runF() }
    }

    private mutating func runF() {
        state[position] ^= UInt8(positionBegin)
        state[position + 1] ^= 0x04
        state[Self.rate + 1] ^= 0x80
        KeccakF1600.permute(bytes: &state)
        position = 0
        positionBegin = 0
    }

    private mutating func absorb(_ data: Bytes) {
        for byte in data {
            state[position] ^= byte
            advance()
        }
    }

    private mutating func overwrite(_ data: Bytes) {
        for byte in data {
            state[position] = byte
            advance()
        }
    }

    private mutating func squeeze(count: Int) -> Bytes {
        var out = Bytes()
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(state[position])
            state[position] = 0
            advance()
        }
        return out
    }

    private mutating func advance() {
        position += 1
        if position == Self.rate { runF() }
    }
}
