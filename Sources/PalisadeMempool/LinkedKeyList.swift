/// An insertion-ordered map with O(1) append, lookup, removal and move-to-back: a doubly linked
/// list threaded through a dictionary by key. It serves both the mempool's FIFO (removal by hash
/// when a block commits a transaction from the middle) and the cache's LRU order.
struct LinkedKeyList<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var value: Value
        var prev: Key?
        var next: Key?
    }

    private var nodes: [Key: Node] = [:]
    private(set) var first: Key?
    private(set) var last: Key?

    var count: Int { nodes.count }
    var isEmpty: Bool { nodes.isEmpty }

    func contains(_ key: Key) -> Bool { nodes[key] != nil }

    subscript(key: Key) -> Value? {
        get { nodes[key]?.value }
    }

    /// Changes the value of a key already present, keeping its place; false when absent.
    @discardableResult
    mutating func update(_ key: Key, _ body: (inout Value) -> Void) -> Bool {
        guard nodes[key] != nil else { return false }
        body(&nodes[key]!.value)
        return true
    }

    /// Appends at the back; false (and nothing changes) when the key is already present.
    @discardableResult
    mutating func append(_ key: Key, _ value: Value) -> Bool {
        guard nodes[key] == nil else { return false }
        nodes[key] = Node(value: value, prev: last, next: nil)
        if let last { nodes[last]!.next = key } else { first = key }
        last = key
        return true
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let node = nodes.removeValue(forKey: key) else { return nil }
        if let prev = node.prev { nodes[prev]!.next = node.next } else { first = node.next }
        if let next = node.next { nodes[next]!.prev = node.prev } else { last = node.prev }
        return node.value
    }

    /// Marks a key as the most recently used; false when absent.
    @discardableResult
    mutating func moveToBack(_ key: Key) -> Bool {
        guard let value = remove(key) else { return false }
        append(key, value)
        return true
    }

    mutating func removeAll() {
        nodes.removeAll()
        first = nil
        last = nil
    }

    func next(after key: Key) -> Key? { nodes[key]?.next }

    /// Keys and values front to back.
    var elements: [(key: Key, value: Value)] {
        var out: [(key: Key, value: Value)] = []
        out.reserveCapacity(nodes.count)
        var cursor = first
        while let key = cursor, let node = nodes[key] {
            out.append((key, node.value))
            cursor = node.next
        }
        return out
    }
}
