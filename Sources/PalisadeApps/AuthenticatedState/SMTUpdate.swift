import PalisadeABCI

/// One leaf to write in a batch: a value hash sets the path's leaf, nil deletes it.
public struct SMTChange: Sendable, Hashable {
    public var path: Bytes
    public var valueHash: Bytes?

    public init(path: Bytes, valueHash: Bytes?) {
        self.path = path
        self.valueHash = valueHash
    }
}

/// What applying a batch produced, held until it is committed: the new root, the nodes it
/// created (all under the update's version), and the stored nodes the new tree no longer
/// contains. Writing `created` turns the stored tree into the new one; `stale` can be deleted
/// then or later, since nothing reachable from the new root refers to it.
public struct SMTUpdate: Sendable {
    public var root: SMTNodeKey
    public var created: [SMTNodeKey: SMTNode]
    public var stale: Set<SMTNodeKey>
}

extension SparseMerkleTree {
    /// Applies `changes` to the tree whose root is `root`, reading only the nodes on the changed
    /// paths: k changes in a tree of n leaves read and hash O(k log n) nodes, however large n is.
    /// The nodes it creates are keyed under `version` (the block height). Changes must name
    /// distinct 32-byte paths; their order does not matter.
    public static func update(root: SMTNodeKey, version: Int64, changes: [SMTChange],
                              reader: some SMTNodeReader) throws -> SMTUpdate {
        let sorted = changes.sorted { $0.path.lexicographicallyPrecedes($1.path) }
        for (index, change) in sorted.enumerated() {
            guard change.path.count == hashSize, change.valueHash.map({ $0.count == hashSize }) ?? true,
                  index == 0 || sorted[index - 1].path != change.path
            else { throw SMTError.duplicatePath(change.path) }
        }
        var batch = SMTBatch(reader: reader, version: version)
        let result = try batch.update(root, depth: 0, sorted[...])
        // A node written again under the same key (InitChain repeated at height 0) is not stale.
        let stale = batch.visited.subtracting(batch.created.keys)
        return SMTUpdate(root: result.key, created: batch.created, stale: stale)
    }
}

/// A subtree's key, and what it is when known without a read (an untouched subtree's kind is
/// only looked up if a deletion may collapse it upward).
private struct Subtree {
    enum Kind { case empty, leaf, inner, untouched }
    var key: SMTNodeKey
    var kind: Kind
    static let empty = Subtree(key: .empty, kind: .empty)
}

/// A leaf of a subtree being rebuilt; `stored` is the key of an old leaf that keeps its path and
/// value, so it is referred to where it is instead of being written again.
private struct BuildLeaf {
    var path: Bytes
    var valueHash: Bytes
    var stored: SMTNodeKey?
}

/// The recursion behind `SparseMerkleTree.update`: descends only where changes are, rebuilds
/// the subtrees they touch in canonical shape, and records what it created and replaced.
private struct SMTBatch<Reader: SMTNodeReader> {
    let reader: Reader
    let version: Int64
    var created: [SMTNodeKey: SMTNode] = [:]
    var visited: Set<SMTNodeKey> = []

    init(reader: Reader, version: Int64) {
        self.reader = reader
        self.version = version
    }

    mutating func update(_ key: SMTNodeKey, depth: Int, _ changes: ArraySlice<SMTChange>) throws -> Subtree {
        if changes.isEmpty {
            return key.isEmpty ? .empty : Subtree(key: key, kind: .untouched)
        }
        if key.isEmpty {
            return try build(depth: depth, changes.compactMap(\.leaf)[...])
        }
        switch try reader.node(key) {
        case .leaf(let path, let valueHash):
            // The old leaf joins the new ones, as it is, unless a change names its path.
            var leaves = changes.compactMap(\.leaf)
            if changes.contains(where: { $0.path == path }) {
                visited.insert(key)
            } else {
                let at = leaves.firstIndex { path.lexicographicallyPrecedes($0.path) } ?? leaves.endIndex
                leaves.insert(BuildLeaf(path: path, valueHash: valueHash, stored: key), at: at)
            }
            return try build(depth: depth, leaves[...])
        case .inner(let left, let right):
            visited.insert(key)
            guard depth < SparseMerkleTree.depthLimit else { throw SMTError.tooDeep }
            let split = firstRight(changes, depth: depth)
            let newLeft = try update(left, depth: depth + 1, changes[..<split])
            let newRight = try update(right, depth: depth + 1, changes[split...])
            return try join(newLeft, newRight)
        }
    }

    /// The canonical subtree over `leaves` (sorted, distinct), built from nothing.
    mutating func build(depth: Int, _ leaves: ArraySlice<BuildLeaf>) throws -> Subtree {
        guard let first = leaves.first else { return .empty }
        if leaves.count == 1 {
            if let stored = first.stored { return Subtree(key: stored, kind: .leaf) }
            return record(.leaf(path: first.path, valueHash: first.valueHash), kind: .leaf)
        }
        guard depth < SparseMerkleTree.depthLimit else { throw SMTError.duplicatePath(first.path) }
        let split = leaves.firstIndex { SparseMerkleTree.bit($0.path, depth) == 1 } ?? leaves.endIndex
        let left = try build(depth: depth + 1, leaves[..<split])
        let right = try build(depth: depth + 1, leaves[split...])
        // Two or more leaves: the non-empty side is an inner node, so no collapse applies.
        return record(.inner(left: left.key, right: right.key), kind: .inner)
    }

    /// The parent of two rebuilt children, in canonical shape: a leaf whose sibling is empty
    /// moves up in its parent's place.
    mutating func join(_ left: Subtree, _ right: Subtree) throws -> Subtree {
        switch (left.kind, right.kind) {
        case (.empty, .empty): return .empty
        case (.empty, _): if try isLeaf(right) { return right }
        case (_, .empty): if try isLeaf(left) { return left }
        default: break
        }
        return record(.inner(left: left.key, right: right.key), kind: .inner)
    }

    func isLeaf(_ subtree: Subtree) throws -> Bool {
        switch subtree.kind {
        case .leaf: true
        case .empty, .inner: false
        case .untouched: try reader.node(subtree.key).isLeaf
        }
    }

    mutating func record(_ node: SMTNode, kind: Subtree.Kind) -> Subtree {
        let key = SMTNodeKey(version: version, hash: node.hash)
        created[key] = node
        return Subtree(key: key, kind: kind)
    }
}

private extension SMTChange {
    /// The leaf this change leaves behind, nil for a deletion.
    var leaf: BuildLeaf? { valueHash.map { BuildLeaf(path: path, valueHash: $0, stored: nil) } }
}

/// The first change going right at `depth`: changes are sorted and share their first `depth`
/// bits, so those with bit 0 come first.
private func firstRight(_ changes: ArraySlice<SMTChange>, depth: Int) -> Int {
    var low = changes.startIndex
    var high = changes.endIndex
    while low < high {
        let mid = low + (high - low) / 2
        if SparseMerkleTree.bit(changes[mid].path, depth) == 0 { low = mid + 1 } else { high = mid }
    }
    return low
}
