import PalisadeABCI

/// The committed tree's nodes as an update or a proof reads them: from a bounded cache, else
/// from the store. Every block reads the top levels of the tree again, so those stay cached; the
/// bound keeps memory flat however large the state grows.
///
/// Two generations instead of an LRU list: lookups and inserts go to `recent`; when it holds
/// `capacity` nodes it becomes `older` and the one before is dropped. A node read again is
/// promoted, so a hot node survives every turnover. At most `2 × capacity` nodes are held.
final class SMTNodeCache: SMTNodeReader {
    /// About 100k nodes of ~250 bytes each (two arrays and a key) is ~25 MB at most: it holds
    /// the top 16 levels, which are what every block of a million-key state shares.
    static let defaultCapacity = 50_000

    private let capacity: Int
    private let load: (SMTNodeKey) throws -> Bytes?
    private var recent: [SMTNodeKey: SMTNode] = [:]
    private var older: [SMTNodeKey: SMTNode] = [:]

    /// `load` returns a stored node's body by key, nil when the store does not have it.
    init(capacity: Int = defaultCapacity, load: @escaping (SMTNodeKey) throws -> Bytes?) {
        self.capacity = max(1, capacity)
        self.load = load
    }

    var count: Int { recent.count + older.count }

    func node(_ key: SMTNodeKey) throws -> SMTNode {
        if let node = recent[key] { return node }
        if let node = older.removeValue(forKey: key) {
            insert(key, node)
            return node
        }
        guard let body = try load(key) else { throw SMTError.missingNode(hash: key.hash) }
        // A body that does not hash to its key is a corrupt row: refuse it rather than build on it.
        guard let node = SMTNode(body: body), node.hash == key.hash else { throw SMTError.corruptNode(hash: key.hash) }
        insert(key, node)
        return node
    }

    /// After a commit: the new nodes are what the next block reads first; stale ones are gone
    /// from the tree (the store drops them later, `SQLiteKVStateStore.prune`) and are not
    /// served from here either.
    func apply(_ update: SMTUpdate) {
        for key in update.stale {
            recent.removeValue(forKey: key)
            older.removeValue(forKey: key)
        }
        for (key, node) in update.created { insert(key, node) }
    }

    private func insert(_ key: SMTNodeKey, _ node: SMTNode) {
        if recent.count >= capacity {
            older = recent
            recent = [:]
            recent.reserveCapacity(capacity)
        }
        recent[key] = node
    }
}
