import PalisadeCrypto

/// Fired inbound by `SecretConnectionHandler` once the peer has proven its key, before any of
/// its data is passed on. Handlers behind it check the key against the one they expect.
public struct SecretConnectionEstablished: Sendable, Hashable {
    public let remotePublicKey: Ed25519PublicKey

    public init(remotePublicKey: Ed25519PublicKey) { self.remotePublicKey = remotePublicKey }
}
