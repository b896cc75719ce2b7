import PalisadeABCI

/// Where a node is stored: the version (block height) that wrote it, then its hash. Keys sort by
/// version first, so the nodes a block creates are appended after every older row instead of
/// landing on random pages of the store (see `SparseMerkleTree`, "Storage"). Within one tree a
/// hash occurs once; the version tells apart an old copy of a node that a later block wrote again.
public struct SMTNodeKey: Sendable, Hashable, Comparable {
    public var version: Int64
    public var hash: Bytes

    public init(version: Int64, hash: Bytes) {
        self.version = version
        self.hash = hash
    }

    /// The empty subtree: never stored, never read.
    public static let empty = SMTNodeKey(version: 0, hash: SparseMerkleTree.emptyHash)

    public var isEmpty: Bool { hash == SparseMerkleTree.emptyHash }

    /// A node hash is a SHA-256 digest: its first 8 bytes spread keys as well as all 32, and
    /// hashing one word instead of 32 bytes one at a time is what a block's sets and
    /// dictionaries of thousands of keys spend their time on.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        guard hash.count >= 8 else {
            hasher.combine(hash)
            return
        }
        hasher.combine(hash.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    public static func < (a: SMTNodeKey, b: SMTNodeKey) -> Bool {
        a.version != b.version ? a.version < b.version : a.hash.lexicographicallyPrecedes(b.hash)
    }

    /// A version as stored encodings write it: 8 bytes, big-endian.
    static func appendVersion(_ version: Int64, to out: inout Bytes) {
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: version) >> UInt64(shift)))
        }
    }

    /// The version written at `offset` of `bytes`, which must hold 8 bytes there.
    static func version(_ bytes: Bytes, at offset: Int) -> Int64 {
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        return Int64(bitPattern: value)
    }
}
