import PalisadeABCI
import Synchronization

/// Keeps the committed state in memory: for tests, throwaway nodes and the simulator. Same tree,
/// same hashes as `SQLiteKVStateStore`; only where the rows live differs.
public final class InMemoryKVStateStore: KVStateStore {
    /// Everything the store holds, as a value: the simulator keeps a few of these to restart an
    /// app from an older height.
    public struct Contents: Sendable, Hashable {
        public var head: KVHead?
        public var pairs: [Bytes: Bytes] = [:]
        public var validators: [Ed25519PublicKey: Int64] = [:]
        public var nodes: [SMTNodeKey: Bytes] = [:]

        public init(head: KVHead? = nil) { self.head = head }
    }

    private let state: Mutex<Contents>

    public init(_ contents: Contents = Contents()) { state = Mutex(contents) }

    public var contents: Contents { state.withLock { $0 } }

    public func head() -> KVHead? { state.withLock { $0.head } }

    public func validators() -> [Ed25519PublicKey: Int64] { state.withLock { $0.validators } }

    public func value(forKey key: Bytes) -> Bytes? { state.withLock { $0.pairs[key] } }

    public func node(_ key: SMTNodeKey) -> Bytes? { state.withLock { $0.nodes[key] } }

    public func commit(_ batch: KVCommitBatch) {
        state.withLock { contents in
            contents.head = batch.head
            contents.pairs.merge(batch.pairs) { _, new in new }
            for (key, power) in batch.validators {
                contents.validators[key] = power == 0 ? nil : power
            }
            for key in batch.tree.stale { contents.nodes.removeValue(forKey: key) }
            for (key, node) in batch.tree.created { contents.nodes[key] = node.body }
        }
    }

    public func pairs(after key: Bytes?, limit: Int) -> [(key: Bytes, value: Bytes)] {
        let all = state.withLock { $0.pairs }
        let sorted = all.keys.filter { candidate in key.map { $0.lexicographicallyPrecedes(candidate) } ?? true }
            .sorted { $0.lexicographicallyPrecedes($1) }
        return sorted.prefix(limit).compactMap { k in all[k].map { (k, $0) } }
    }

    public func reset() { state.withLock { $0 = Contents() } }

    public func readView() -> any KVStateReadView { InMemoryKVReadView(pairs: state.withLock { $0.pairs }) }
}
