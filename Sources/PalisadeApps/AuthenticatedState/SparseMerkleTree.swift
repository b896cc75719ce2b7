import PalisadeABCI

/// The authenticated structure the example apps keep their state in: a sparse Merkle tree over
/// 256-bit paths, with single-leaf subtrees collapsed into their leaf.
///
/// **Why this one.** The app hash must be a function of the contents alone: two nodes that hold
/// the same pairs agree, whatever order the writes came in (a validator that replays, restarts or
/// state-syncs reaches the same hash). A sparse Merkle tree over `SHA-256(key)` has one shape per
/// set of keys, so it is history-independent by construction. An IAVL tree's shape depends on
/// insertion order (rotations), and a Merkle B-tree needs content-defined splits to get the
/// same property. Absence proofs come for free: the path of a missing key ends in an empty
/// subtree or in one other key's leaf. Hashed paths spread keys uniformly, so a tree of n keys
/// is about log₂ n deep whatever the keys look like, and a block of k writes rehashes
/// O(k log n) nodes.
///
/// **Shape (canonical).** The subtree at depth d holding a set S of leaves (all sharing their
/// first d path bits) is: empty if S is empty; the leaf itself if S has one leaf; otherwise an
/// inner node over the subtrees of S split by bit d (most significant bit of byte 0 first). An
/// inner node with one empty child stays (two keys sharing a long prefix make a short chain);
/// a lone leaf never sits below an inner node with an empty sibling.
///
/// **Hashing, with domain separation.** Every node hash is SHA-256 of its 65-byte encoding,
/// which is also what the store keeps (`SMTNode.body`):
/// - leaf: `0x00 ‖ path (32) ‖ valueHash (32)`;
/// - inner: `0x01 ‖ left hash (32) ‖ right hash (32)`;
/// - the empty subtree is 32 zero bytes, never hashed (no node encodes to a zero digest in
///   practice, and a proof can then mark empty siblings with one bit).
/// The prefixes keep a leaf from being passed off as an inner node and back (RFC 6962's trick).
/// What a path and a value hash stand for is the app's business: the kvstore hashes a
/// namespace byte with the key into the path (`KVTreeLayout`), so pairs and validators share one
/// tree without colliding.
///
/// **Storage.** A store maps a node's key, (version, hash), to its encoding; an inner node's
/// encoding names its children's keys, and the version is the height of the block that wrote the
/// node. Versions are not hashed: the root depends on the leaves only. Within one tree a hash
/// occurs once (a leaf's encoding names its full path; an inner node's hash fixes its leaves and
/// depth). An update writes its new nodes under its own version and reports the old ones the
/// new tree lost; only the latest root is read, so those may be deleted at once or later.
/// Because a block's nodes share their version, a store ordered by key appends them instead of
/// scattering them; which table holds them, and when the stale ones go, is the app's
/// (`SQLiteKVStateStore` says why it prunes in batches).
public enum SparseMerkleTree {
    /// Path and hash width in bytes; a path has `depthLimit` bits.
    public static let hashSize = 32
    /// No two distinct paths share more than 255 leading bits, so no node sits deeper.
    public static let depthLimit = 256
    /// The hash of an empty subtree, and the root of an empty tree.
    public static let emptyHash = Bytes(repeating: 0, count: hashSize)
    static let leafPrefix: UInt8 = 0x00
    static let innerPrefix: UInt8 = 0x01

    public static func leafHash(path: Bytes, valueHash: Bytes) -> Bytes {
        SHA256Hash.digest(prefix: leafPrefix, path, valueHash)
    }

    public static func innerHash(left: Bytes, right: Bytes) -> Bytes {
        SHA256Hash.digest(prefix: innerPrefix, left, right)
    }

    /// Bit `depth` of `path`, most significant bit of the first byte first: 0 goes left.
    @inline(__always)
    static func bit(_ path: Bytes, _ depth: Int) -> Int {
        Int(path[depth >> 3] >> (7 - UInt8(depth & 7))) & 1
    }

    /// Whether `a` and `b` agree on their first `bits` bits.
    static func sharePrefix(_ a: Bytes, _ b: Bytes, bits: Int) -> Bool {
        let whole = bits >> 3
        for index in 0..<whole where a[index] != b[index] { return false }
        let rest = bits & 7
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - UInt8(rest))
        return a[whole] & mask == b[whole] & mask
    }
}
