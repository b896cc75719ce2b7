/// A bounded least-recently-used set of transaction keys: the seen-cache that stops a
/// transaction gossiped back and forth between peers from reaching the app twice. Committed
/// transactions stay in it, because peers keep re-sending them for a while after the block.
/// A capacity of 0 is CometBFT's no-op cache: nothing is remembered.
public struct TxCache: Sendable {
    public let capacity: Int
    private var order = LinkedKeyList<TxKey, Void>()

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    public var count: Int { order.count }

    public func contains(_ key: TxKey) -> Bool { order.contains(key) }

    /// Records `key` as the most recently seen, evicting the least recently seen when full.
    /// Returns false when it was already present (it is still moved to most recent).
    @discardableResult
    public mutating func push(_ key: TxKey) -> Bool {
        guard capacity > 0 else { return true }
        if order.moveToBack(key) { return false }
        if order.count >= capacity, let oldest = order.first {
            order.remove(oldest)
        }
        order.append(key, ())
        return true
    }

    public mutating func remove(_ key: TxKey) {
        order.remove(key)
    }

    public mutating func reset() {
        order.removeAll()
    }
}
