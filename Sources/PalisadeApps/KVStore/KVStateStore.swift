import PalisadeABCI

/// What the kvstore's last Commit recorded, besides the tree and the rows: the app hash is
/// the hash of `root`.
public struct KVHead: Sendable, Hashable {
    /// The last height whose block the state includes (0 before the first block).
    public var height: Int64
    /// How many transactions have been executed, CometBFT kvstore's `size` (reported by `info`).
    public var size: Int64
    /// Where the tree's root is stored (its hash is the app hash).
    public var root: SMTNodeKey

    public init(height: Int64, size: Int64, root: SMTNodeKey) {
        self.height = height
        self.size = size
        self.root = root
    }

    /// An empty store: nothing committed, the empty tree.
    public static let empty = KVHead(height: 0, size: 0, root: .empty)

    public var appHash: Bytes { root.hash }
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
/// the validator set, and the tree's nodes by key (what updates and proofs read). The app keeps
/// only the head, the validator set and a bounded node cache in memory, and reads the rest here.
/// Only the latest committed tree is read; the nodes a commit replaced are deleted by the store
/// when it sees fit (at once, or pruned in batches).
public protocol KVStateStore: Sendable {
    /// Nil for a store nothing was ever committed to.
    func head() throws(AppDatabaseError) -> KVHead?
    func validators() throws(AppDatabaseError) -> [Ed25519PublicKey: Int64]
    func value(forKey key: Bytes) throws(AppDatabaseError) -> Bytes?
    /// A tree node's encoding (`SMTNode.body`) by its key.
    func node(_ key: SMTNodeKey) throws(AppDatabaseError) -> Bytes?
    /// Applies `batch` atomically.
    func commit(_ batch: KVCommitBatch) throws(AppDatabaseError)
    /// Up to `limit` committed pairs with keys after `key` (from the first for nil), in
    /// ascending key order: how a snapshot reads the state a page at a time.
    func pairs(after key: Bytes?, limit: Int) throws(AppDatabaseError) -> [(key: Bytes, value: Bytes)]
    /// Forgets everything, as a fresh store: a state-sync restore starts from nothing.
    func reset() throws(AppDatabaseError)
    /// The committed pairs as they are now, readable while later commits go on.
    func readView() throws(AppDatabaseError) -> any KVStateReadView
}
