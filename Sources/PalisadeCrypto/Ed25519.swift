import CSodium

/// An Ed25519 public key: 32 bytes. Its address (first 20 bytes of its SHA-256) names the
/// validator everywhere on the chain.
public struct Ed25519PublicKey: Sendable, Hashable {
    public static let size = 32
    public let bytes: Bytes

    /// `nil` unless `bytes` has exactly 32 bytes.
    public init?(bytes: Bytes) {
        guard bytes.count == Self.size else { return nil }
        self.bytes = bytes
    }

    public var address: Address { Address(publicKey: self) }

    /// Verifies a 64-byte signature over `message`. Malformed signatures and keys are simply invalid.
    /// A success is remembered in `Ed25519VerificationCache.shared`, so the same triple is
    /// checked once per process.
    public func verify(signature: Bytes, message: Bytes) -> Bool {
        guard signature.count == Ed25519PrivateKey.signatureSize else { return false }
        return Ed25519VerificationCache.shared.check(publicKey: bytes, signature: signature, message: message) {
            verifyUncached(signature: signature, message: message)
        }
    }

    /// The libsodium check itself, with no cache in front.
    public func verifyUncached(signature: Bytes, message: Bytes) -> Bool {
        guard signature.count == Ed25519PrivateKey.signatureSize else { return false }
        Sodium.ready()
        return signature.withUnsafeBufferPointer { sig in
            Sodium.withPointer(message) { msg, length in
                bytes.withUnsafeBufferPointer { pk in
                    crypto_sign_verify_detached(sig.baseAddress!, msg, length, pk.baseAddress!) == 0
                }
            }
        }
    }
}

/// An Ed25519 private key in CometBFT's 64-byte form (seed followed by public key), which is
/// also libsodium's secret-key layout. Key generation takes its randomness as an input so that
/// the pure layers never draw any themselves.
public struct Ed25519PrivateKey: Sendable, Hashable {
    public static let size = 64
    public static let seedSize = 32
    public static let signatureSize = 64

    public let bytes: Bytes
    public let publicKey: Ed25519PublicKey

    /// Derives the key pair from a 32-byte seed.
    public init?(seed: Bytes) {
        guard seed.count == Self.seedSize else { return nil }
        Sodium.ready()
        var pk = Bytes(repeating: 0, count: Ed25519PublicKey.size)
        var sk = Bytes(repeating: 0, count: Self.size)
        let rc = seed.withUnsafeBufferPointer { s in
            crypto_sign_seed_keypair(&pk, &sk, s.baseAddress!)
        }
        guard rc == 0, let publicKey = Ed25519PublicKey(bytes: pk) else { return nil }
        self.bytes = sk
        self.publicKey = publicKey
    }

    /// Accepts the 64-byte CometBFT form; rejects it when the embedded public key does not belong
    /// to the seed (a corrupt key file must not sign under someone else's name).
    public init?(bytes: Bytes) {
        guard bytes.count == Self.size, let derived = Ed25519PrivateKey(seed: Bytes(bytes[0..<Self.seedSize])),
              derived.bytes == bytes else { return nil }
        self = derived
    }

    /// A fresh key from the caller's generator (use `SystemRandomNumberGenerator` outside the pure core).
    public static func generate(using generator: inout some RandomNumberGenerator) -> Ed25519PrivateKey {
        var seed = Bytes(repeating: 0, count: seedSize)
        for index in seed.indices { seed[index] = UInt8.random(in: .min ... .max, using: &generator) }
        // A 32-byte seed always yields a key pair.
        guard let key = Ed25519PrivateKey(seed: seed) else { preconditionFailure("ed25519 seed of 32 bytes rejected") }
        return key
    }

    public var seed: Bytes { Bytes(bytes[0..<Self.seedSize]) }

    public func sign(_ message: Bytes) -> Bytes {
        Sodium.ready()
        var signature = Bytes(repeating: 0, count: Self.signatureSize)
        _ = Sodium.withPointer(message) { msg, length in
            bytes.withUnsafeBufferPointer { sk in
                crypto_sign_detached(&signature, nil, msg, length, sk.baseAddress!)
            }
        }
        return signature
    }
}
