import PalisadeCrypto
import Testing

/// RFC 8032 §7.1 test vectors (TEST 1 and TEST 2), and the ways a signature must fail.
@Suite struct Ed25519Tests {
    static let seed1 = Bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!
    static let public1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let signature1 = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

    static let seed2 = Bytes(hex: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")!
    static let public2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
    static let signature2 = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"

    @Test func rfc8032Test1EmptyMessage() throws {
        let key = try #require(Ed25519PrivateKey(seed: Self.seed1))
        #expect(key.publicKey.bytes.hex == Self.public1)
        #expect(key.bytes == Self.seed1 + key.publicKey.bytes, "CometBFT's 64-byte form is seed ‖ public key")
        let signature = key.sign([])
        #expect(signature.hex == Self.signature1)
        #expect(key.publicKey.verify(signature: signature, message: []))
    }

    @Test func rfc8032Test2OneByteMessage() throws {
        let key = try #require(Ed25519PrivateKey(seed: Self.seed2))
        #expect(key.publicKey.bytes.hex == Self.public2)
        let signature = key.sign([0x72])
        #expect(signature.hex == Self.signature2)
        #expect(key.publicKey.verify(signature: signature, message: [0x72]))
    }

    @Test func verifyRejectsEveryFlippedSignatureBit() throws {
        let key = try #require(Ed25519PrivateKey(seed: Self.seed2))
        let signature = key.sign([0x72])
        for bit in 0..<(signature.count * 8) {
            var flipped = signature
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!key.publicKey.verify(signature: flipped, message: [0x72]), "bit \(bit)")
        }
    }

    @Test func verifyRejectsAFlippedMessageBit() throws {
        let key = try #require(Ed25519PrivateKey(seed: Self.seed1))
        let message = Bytes("precommit for block 10".utf8)
        let signature = key.sign(message)
        for index in message.indices {
            var flipped = message
            flipped[index] ^= 0x01
            #expect(!key.publicKey.verify(signature: signature, message: flipped))
        }
        #expect(!key.publicKey.verify(signature: signature, message: message + [0]))
        #expect(!key.publicKey.verify(signature: signature, message: []))
    }

    @Test func verifyRejectsTheWrongKey() throws {
        let signer = try #require(Ed25519PrivateKey(seed: Self.seed1))
        let other = try #require(Ed25519PrivateKey(seed: Self.seed2))
        #expect(!other.publicKey.verify(signature: signer.sign([]), message: []))
    }

    @Test func verifyRejectsWrongLengths() throws {
        let key = try #require(Ed25519PrivateKey(seed: Self.seed1))
        let signature = key.sign([])
        #expect(!key.publicKey.verify(signature: Bytes(signature.dropLast()), message: []))
        #expect(!key.publicKey.verify(signature: signature + [0], message: []))
        #expect(!key.publicKey.verify(signature: [], message: []))
        #expect(Ed25519PublicKey(bytes: Bytes(repeating: 1, count: 31)) == nil)
        #expect(Ed25519PublicKey(bytes: Bytes(repeating: 1, count: 33)) == nil)
        #expect(Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 31)) == nil)
        #expect(Ed25519PrivateKey(bytes: Self.seed1) == nil, "32 bytes is a seed, not the 64-byte form")
    }

    @Test func privateKeyWithAForeignPublicHalfIsRejected() throws {
        let one = try #require(Ed25519PrivateKey(seed: Self.seed1))
        let two = try #require(Ed25519PrivateKey(seed: Self.seed2))
        #expect(Ed25519PrivateKey(bytes: one.bytes) == one)
        #expect(Ed25519PrivateKey(bytes: one.seed + two.publicKey.bytes) == nil)
    }

    @Test func generationIsDeterministicInItsGenerator() {
        var a = CountingGenerator(), b = CountingGenerator()
        let first = Ed25519PrivateKey.generate(using: &a)
        #expect(first == Ed25519PrivateKey.generate(using: &b))
        #expect(first != Ed25519PrivateKey.generate(using: &a))
        #expect(first.publicKey.verify(signature: first.sign([1, 2, 3]), message: [1, 2, 3]))
    }
}

/// A trivially predictable generator: tests need reproducible keys, not secret ones.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return state
    }
}
