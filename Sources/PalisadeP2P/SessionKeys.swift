import PalisadeCrypto

/// What both sides of one session agree on after the hellos: the directional keys and the
/// transcript hash that the node keys sign.
struct SessionKeys: Sendable {
    let receive: Bytes
    let send: Bytes
    /// SHA-256(magic || version || lower ephemeral key || higher ephemeral key).
    let transcript: Bytes
    /// Whether our ephemeral key is the lower one; decides the role byte we sign with.
    let isLowerSide: Bool

    init?(ephemeral: X25519KeyPair, peerEphemeral: Bytes) {
        guard let keys = ephemeral.sessionKeys(peerPublicKey: peerEphemeral) else { return nil }
        receive = keys.receive
        send = keys.send
        isLowerSide = ephemeral.publicKey.lexicographicallyPrecedes(peerEphemeral)
        let (low, high) = isLowerSide ? (ephemeral.publicKey, peerEphemeral) : (peerEphemeral, ephemeral.publicKey)
        var input = WireProtocol.magic
        input.append(UInt8(WireProtocol.version >> 8))
        input.append(UInt8(WireProtocol.version & 0xff))
        transcript = SHA256Hash.digest(input + low + high)
    }

    /// "palisade-p2p-auth" || transcript || role (0 = lower ephemeral key, 1 = higher).
    func signedMessage(forLowerSide lower: Bool) -> Bytes {
        Self.domain + transcript + [lower ? 0 : 1]
    }

    private static let domain = Bytes("palisade-p2p-auth".utf8)
}
