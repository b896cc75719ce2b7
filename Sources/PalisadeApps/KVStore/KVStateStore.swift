import PalisadeABCI

/// What the kvstore's last Commit recorded, besides the tree and the rows: the app hash is
/// `root`.
public struct KVHead: Sendable, Hashable {
    /// The last height whose block the state includes (0 before the first block).
    public var height: Int64
    /// How many transactions have been executed, CometBFT kvstore's `size` (reported by `info`).
    public var size: Int64
    public var root: Bytes

    public init(height: Int64, size: Int64, root: Bytes) {
        self.height = height
        self.size = size
        self.root = root
    }

    /// An empty store: nothing committed, the empty tree.
    public static let empty = KVHead(height: 0, size: 0, root: SparseMerkleTree.emptyHash)
}

/// Everything one Commit writes: either all of it is stored or none of it is.
public struct KVCommitBatch: Sendable {
    public var head: KVHead
    /// Pairs the block set (the kvstore has no delete transaction).
    public var pairs: [Bytes: Bytes]
    /// Validators whose power the block changed; 0 removes one.
    public var validators: [Ed25519PublicKey: Int64]
    public var tree: SMTUpdate
}

/// Where the kvstore keeps its committed state: the head, the pairs by key (what queries read),
/// the validator set, and the tree's nodes by hash (what updates and proofs read). The app keeps
/// only the head, the validator set and a bounded node cache in memory, and reads the rest here.
/// Only the latest committed state is kept: `commit` deletes the nodes it replaced.
public protocol KVStateStore: Sendable {
    /// Nil for a store nothing was ever committed to.
    func head() throws(AppDatabaseError) -> KVHead?
    func validators() throws(AppDatabaseError) -> [Ed25519PublicKey: Int64]
    func value(forKey key: Bytes) throws(AppDatabaseError) -> Bytes?
    /// A tree node's encoding (`SMTNode.body`) by its hash.
    func node(_ hash: Bytes) throws(AppDatabaseError) -> Bytes?
    /// Applies `batch` atomically.
    func commit(_ batch: KVCommitBatch) throws(AppDatabaseError)
}
