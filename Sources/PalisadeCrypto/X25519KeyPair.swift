import CSodium

/// A one-connection X25519 key pair (libsodium `crypto_kx`). Fresh per connection, so that a
/// later theft of the node key reveals nothing about past sessions (forward secrecy).
public struct X25519KeyPair: Sendable {
    public static let publicKeySize = Int(crypto_kx_PUBLICKEYBYTES)
    public static let seedSize = Int(crypto_kx_SEEDBYTES)

    public let publicKey: Bytes
    let secretKey: Bytes

    /// The seed comes from the caller's generator so that tests are deterministic.
    public init(using generator: inout some RandomNumberGenerator) {
        var seed = Bytes(repeating: 0, count: Self.seedSize)
        for index in seed.indices { seed[index] = UInt8.random(in: .min ... .max, using: &generator) }
        Sodium.ready()
        var pk = Bytes(repeating: 0, count: Self.publicKeySize)
        var sk = Bytes(repeating: 0, count: Int(crypto_kx_SECRETKEYBYTES))
        // crypto_kx_seed_keypair cannot fail for a seed of the right size.
        _ = seed.withUnsafeBufferPointer { crypto_kx_seed_keypair(&pk, &sk, $0.baseAddress!) }
        publicKey = pk
        secretKey = sk
    }

    /// Directional keys shared with the peer. The side with the lexicographically lower ephemeral
    /// key takes libsodium's client role, so both sides agree without a dialler/listener flag
    /// (and a simultaneous open still works). `nil` when the peer's key is of low order.
    public func sessionKeys(peerPublicKey: Bytes) -> (receive: Bytes, send: Bytes)? {
        guard peerPublicKey.count == Self.publicKeySize else { return nil }
        Sodium.ready()
        var rx = Bytes(repeating: 0, count: Int(crypto_kx_SESSIONKEYBYTES))
        var tx = Bytes(repeating: 0, count: Int(crypto_kx_SESSIONKEYBYTES))
        let isClient = publicKey.lexicographicallyPrecedes(peerPublicKey)
        let rc = publicKey.withUnsafeBufferPointer { pk in
            secretKey.withUnsafeBufferPointer { sk in
                peerPublicKey.withUnsafeBufferPointer { peer in
                    isClient
                        ? crypto_kx_client_session_keys(&rx, &tx, pk.baseAddress!, sk.baseAddress!, peer.baseAddress!)
                        : crypto_kx_server_session_keys(&rx, &tx, pk.baseAddress!, sk.baseAddress!, peer.baseAddress!)
                }
            }
        }
        guard rc == 0 else { return nil }
        return (rx, tx)
    }

    /// The raw X25519 shared secret with the peer, for protocols that derive their own keys from
    /// it (CometBFT's secret connection). `nil` when the peer's key is of low order, which would
    /// make the secret all zeros: CometBFT refuses the connection then too.
    public func sharedSecret(peerPublicKey: Bytes) -> Bytes? {
        guard peerPublicKey.count == Self.publicKeySize else { return nil }
        Sodium.ready()
        var secret = Bytes(repeating: 0, count: Int(crypto_scalarmult_BYTES))
        let rc = secretKey.withUnsafeBufferPointer { sk in
            peerPublicKey.withUnsafeBufferPointer { peer in
                crypto_scalarmult(&secret, sk.baseAddress!, peer.baseAddress!)
            }
        }
        guard rc == 0, secret.contains(where: { $0 != 0 }) else { return nil }
        return secret
    }
}
