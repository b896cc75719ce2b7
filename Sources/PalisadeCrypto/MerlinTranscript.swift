/// A Merlin transcript (merlin.cool, protocol "Merlin v1.0") over `Strobe128`. CometBFT's secret
/// connection derives the challenge each side signs from one, so both sides sign a value bound
/// to the whole handshake rather than to the Diffie-Hellman secret alone.
public struct MerlinTranscript: Sendable {
    private var strobe: Strobe128

    public init(label: String) {
        strobe = Strobe128(protocolLabel: Bytes("Merlin v1.0".utf8))
        appendMessage(label: "dom-sep", message: Bytes(label.utf8))
    }

    /// `meta-AD(label)`, `meta-AD(LE32(length))` continued, then `AD(message)`.
    public mutating func appendMessage(label: String, message: Bytes) {
        strobe.metaAD(Bytes(label.utf8), more: false)
        strobe.metaAD(Self.le32(message.count), more: true)
        strobe.ad(message, more: false)
    }

    /// `meta-AD(label)`, `meta-AD(LE32(count))` continued, then `PRF(count)`.
    public mutating func challengeBytes(label: String, count: Int) -> Bytes {
        strobe.metaAD(Bytes(label.utf8), more: false)
        strobe.metaAD(Self.le32(count), more: true)
        return strobe.prf(count: count, more: false)
    }

    /// The length as 32 bits little-endian, truncated above 4 GiB as the merlin crate's `as u32`
    /// does (transcript messages here are 32-byte keys and secrets).
    private static func le32(_ value: Int) -> Bytes {
        let length = UInt32(truncatingIfNeeded: value)
        return (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * UInt32($0))) }
    }
}
