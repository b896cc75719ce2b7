@testable import PalisadeCrypto
import Testing

/// The verification cache may only save work: a remembered success is exactly the triple that
/// verified, failures are recomputed every time, and no sequence of inputs grows it past its bound.
@Suite struct Ed25519VerificationCacheTests {
    let key = Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32))!

    @Test func aSuccessIsCheckedOnceAFailureEveryTime() {
        let cache = Ed25519VerificationCache(capacity: 8)
        var calls = 0
        for _ in 0..<3 {
            #expect(cache.check(publicKey: [1], signature: [2], message: [3]) { calls += 1; return true })
        }
        #expect(calls == 1)
        calls = 0
        for _ in 0..<3 {
            #expect(!cache.check(publicKey: [9], signature: [9], message: [9]) { calls += 1; return false })
        }
        #expect(calls == 3)
        #expect(cache.count == 1)
    }

    @Test func theBoundHoldsAndTheOldestGoesFirst() {
        let cache = Ed25519VerificationCache(capacity: 4)
        for index in 0..<10 {
            _ = cache.check(publicKey: [UInt8(index)], signature: [], message: []) { true }
        }
        #expect(cache.count == 4)
        var recomputed: [Int] = []
        for index in 0..<10 {
            _ = cache.check(publicKey: [UInt8(index)], signature: [], message: []) { recomputed.append(index); return true }
        }
        #expect(recomputed.starts(with: [0, 1, 2, 3, 4, 5]), "the six oldest were evicted")
        #expect(cache.count == 4)
    }

    /// Key, signature and message are each part of what is remembered, and where one ends and
    /// the next begins is too: moving a byte from the message into the signature is a miss.
    @Test func aRememberedSignatureCoversKeyMessageAndSignature() {
        let message = Bytes("vote".utf8)
        let signature = key.sign(message)
        #expect(key.publicKey.verify(signature: signature, message: message))
        #expect(key.publicKey.verify(signature: signature, message: message), "a hit")
        var flipped = signature
        flipped[5] ^= 1
        #expect(!key.publicKey.verify(signature: flipped, message: message))
        #expect(!key.publicKey.verify(signature: signature, message: message + [0]))
        let other = Ed25519PrivateKey(seed: Bytes(repeating: 8, count: 32))!
        #expect(!other.publicKey.verify(signature: signature, message: message))

        let cache = Ed25519VerificationCache(capacity: 8)
        _ = cache.check(publicKey: [1], signature: [2, 3], message: [4]) { true }
        var calls = 0
        _ = cache.check(publicKey: [1], signature: [2], message: [3, 4]) { calls += 1; return false }
        #expect(calls == 1)
    }
}
