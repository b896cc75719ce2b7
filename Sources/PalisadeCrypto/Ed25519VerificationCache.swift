import Crypto
import Synchronization

/// Signatures this process has already found valid, so that one is checked once: a precommit is
/// verified when it arrives as a vote and again, byte for byte, inside the next block's
/// LastCommit (by the proposer, by every validator judging the proposal, by the store and by block
/// sync), and the simulator's validators, all in one process, verify every vote once each.
/// An Ed25519 verification costs about 50 µs; a lookup costs one SHA-256 of the triple.
///
/// Only successes are remembered, keyed by SHA-256 over the public key, signature and message
/// (with their lengths), so a hit means exactly this key signed exactly these bytes: the answer
/// is the one `crypto_sign_verify_detached` gave, and a failure is always recomputed. The cache
/// holds a fixed number of 32-byte keys, replaced oldest first, so no input can grow it; a peer
/// that floods fresh valid signatures only evicts entries, which costs time, never correctness.
/// The layer stays pure in what it answers: the cache changes when an answer is computed, never
/// what it is.
public final class Ed25519VerificationCache: Sendable {
    public static let shared = Ed25519VerificationCache(capacity: 16_384)

    private struct Entries {
        var known: Set<DigestKey> = []
        var order: [DigestKey] = []
        var next = 0
    }

    public let capacity: Int
    private let entries = Mutex(Entries())

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// `verify` runs only on a miss; a `true` it returns is remembered.
    func check(publicKey: Bytes, signature: Bytes, message: Bytes, verify: () -> Bool) -> Bool {
        let key = Self.key(publicKey: publicKey, signature: signature, message: message)
        if entries.withLock({ $0.known.contains(key) }) { return true }
        guard verify() else { return false }
        let capacity = capacity
        entries.withLock { state in
            guard state.known.insert(key).inserted else { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.known.remove(state.order[state.next])
                state.order[state.next] = key
                state.next = (state.next + 1) % capacity
            }
        }
        return true
    }

    /// How many successes are remembered (for tests).
    public var count: Int { entries.withLock { $0.known.count } }

    private static func key(publicKey: Bytes, signature: Bytes, message: Bytes) -> DigestKey {
        var hasher = Crypto.SHA256()
        for part in [publicKey, signature, message] {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { hasher.update(bufferPointer: $0) }
            part.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return hasher.finalize().withUnsafeBytes { DigestKey(rawBuffer: $0) }
    }
}
