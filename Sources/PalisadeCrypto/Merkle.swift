/// RFC 6962 merkle trees as CometBFT builds them (`crypto/merkle`): leaves hashed as
/// `SHA256(0x00 || leaf)`, inner nodes as `SHA256(0x01 || left || right)`, the left subtree
/// holding the largest power of two strictly below the leaf count. Zero leaves hash to SHA256("").
public enum Merkle {
    static let leafPrefix: UInt8 = 0x00
    static let innerPrefix: UInt8 = 0x01

    public static func leafHash(_ leaf: Bytes) -> Bytes { SHA256Hash.digest(prefix: leafPrefix, leaf) }

    public static func innerHash(_ left: Bytes, _ right: Bytes) -> Bytes {
        SHA256Hash.digest(prefix: innerPrefix, left, right)
    }

    /// The largest power of two strictly less than `n` (n ≥ 1; 1 splits at 0 by convention).
    public static func splitPoint(_ n: Int) -> Int {
        precondition(n >= 1, "merkle split point of an empty tree")
        if n == 1 { return 0 }
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    public static func root(_ leaves: [Bytes]) -> Bytes {
        if leaves.isEmpty { return SHA256Hash.empty }
        var level = leaves.map(leafHash)
        // Bottom-up pairing gives the same tree as the recursive split: at every level the
        // left-most nodes pair off and an odd last node is carried up unchanged.
        while level.count > 1 {
            var next = [Bytes]()
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index + 1 < level.count {
                next.append(innerHash(level[index], level[index + 1]))
                index += 2
            }
            if index < level.count { next.append(level[index]) }
            level = next
        }
        return level[0]
    }

    /// An inclusion proof for one leaf: its index, the tree size and the sibling hashes from the
    /// leaf upward (CometBFT's `aunts`).
    public struct Proof: Sendable, Hashable {
        public var total: Int
        public var index: Int
        public var leafHash: Bytes
        public var aunts: [Bytes]

        public init(total: Int, index: Int, leafHash: Bytes, aunts: [Bytes]) {
            self.total = total
            self.index = index
            self.leafHash = leafHash
            self.aunts = aunts
        }

        /// The root this proof commits to, or `nil` when its shape does not fit (total, index, aunts).
        public func computeRoot() -> Bytes? {
            Merkle.rootFromAunts(index: index, total: total, leafHash: leafHash, aunts: aunts[...])
        }

        /// True when `leaf` is at `index` in the tree whose root is `root`.
        public func verify(root: Bytes, leaf: Bytes) -> Bool {
            guard total > 0, index >= 0, index < total, Merkle.leafHash(leaf) == leafHash else { return false }
            return computeRoot() == root
        }
    }

    /// The root and one proof per leaf.
    public static func proofs(_ leaves: [Bytes]) -> (root: Bytes, proofs: [Proof]) {
        let hashes = leaves.map(leafHash)
        var aunts = Array(repeating: [Bytes](), count: leaves.count)
        let root = build(hashes[...], offset: 0, aunts: &aunts)
        let proofs = hashes.indices.map { Proof(total: leaves.count, index: $0, leafHash: hashes[$0], aunts: aunts[$0]) }
        return (root, proofs)
    }

    private static func build(_ hashes: ArraySlice<Bytes>, offset: Int, aunts: inout [[Bytes]]) -> Bytes {
        switch hashes.count {
        case 0: return SHA256Hash.empty
        case 1: return hashes[hashes.startIndex]
        default:
            let k = splitPoint(hashes.count)
            let mid = hashes.startIndex + k
            let left = build(hashes[..<mid], offset: offset, aunts: &aunts)
            let right = build(hashes[mid...], offset: offset + k, aunts: &aunts)
            for i in offset..<(offset + k) { aunts[i].append(right) }
            for i in (offset + k)..<(offset + hashes.count) { aunts[i].append(left) }
            return innerHash(left, right)
        }
    }

    /// Aunts are ordered leaf-upward, so the last aunt belongs to the top split.
    static func rootFromAunts(index: Int, total: Int, leafHash: Bytes, aunts: ArraySlice<Bytes>) -> Bytes? {
        guard index >= 0, index < total, total > 0 else { return nil }
        if total == 1 { return aunts.isEmpty ? leafHash : nil }
        guard let top = aunts.last else { return nil }
        let rest = aunts.dropLast()
        let k = splitPoint(total)
        if index < k {
            guard let left = rootFromAunts(index: index, total: k, leafHash: leafHash, aunts: rest) else { return nil }
            return innerHash(left, top)
        } else {
            guard let right = rootFromAunts(index: index - k, total: total - k, leafHash: leafHash, aunts: rest) else { return nil }
            return innerHash(top, right)
        }
    }
}
