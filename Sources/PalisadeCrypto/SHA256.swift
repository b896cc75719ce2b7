import Crypto

/// SHA-256 through swift-crypto, which uses the CPU's SHA extensions (ARCHITECTURE §6: 4.3× libsodium here).
/// CometBFT calls this `tmhash`; every hash on the chain is one.
public enum SHA256Hash {
    public static let size = 32

    public static func digest(_ bytes: some Sequence<UInt8>) -> Bytes {
        var hasher = Crypto.SHA256()
        if let contiguous = bytes as? Bytes {
            contiguous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        } else {
            let copy = Bytes(bytes)
            copy.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return finalBytes(hasher.finalize())
    }

    /// Hash of `prefix || a || b` without building the concatenation: the merkle tree's inner step.
    public static func digest(prefix: UInt8, _ a: Bytes, _ b: Bytes = []) -> Bytes {
        var hasher = Crypto.SHA256()
        withUnsafeBytes(of: prefix) { hasher.update(bufferPointer: $0) }
        a.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        if !b.isEmpty { b.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return finalBytes(hasher.finalize())
    }

    /// Copies the digest in one step. `Bytes(digest)` goes through the digest's `Sequence`
    /// iterator, which builds a temporary array and then appends byte by byte: two allocations
    /// and 32 appends on every hash, and merkle trees hash a lot.
    private static func finalBytes(_ digest: Crypto.SHA256.Digest) -> Bytes {
        digest.withUnsafeBytes { Bytes($0) }
    }

    /// SHA-256 of the empty input: the merkle root of zero leaves.
    public static let empty: Bytes = digest(Bytes())
}
