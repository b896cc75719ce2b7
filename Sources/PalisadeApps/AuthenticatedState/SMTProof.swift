import PalisadeABCI

/// The path from a root down to where a queried path ends: the sibling hash at each depth, and
/// what the walk found at the bottom. One shape proves both answers:
/// - the leaf of the queried path: it is present, with that value hash;
/// - an empty subtree, or the leaf of another path sharing the first `depth` bits: it is absent
///   (in the canonical shape that subtree would have held the queried path).
///
/// Encoding (`bytes`), every field fixed-size or counted, so a verifier rejects anything else:
/// `kind (1: 0 empty, 1 leaf) ‖ [leaf: path (32) ‖ valueHash (32)] ‖ depth (2, big-endian,
/// 0...256) ‖ bitmap (⌈depth/8⌉ bytes, bit i set when sibling i is not empty, most significant
/// first, unused bits 0) ‖ the non-empty siblings (32 each), from the root down`.
public struct SMTProof: Sendable, Hashable {
    public enum Terminal: Sendable, Hashable {
        case empty
        case leaf(path: Bytes, valueHash: Bytes)
    }

    public var terminal: Terminal
    /// Sibling hashes from the root's children down; `siblings.count` is the terminal's depth.
    public var siblings: [Bytes]

    public init(terminal: Terminal, siblings: [Bytes]) {
        self.terminal = terminal
        self.siblings = siblings
    }

    /// The root this proof leads to for `path`, folding siblings from the bottom up.
    func computedRoot(for path: Bytes) -> Bytes {
        var hash: Bytes
        switch terminal {
        case .empty: hash = SparseMerkleTree.emptyHash
        case .leaf(let leafPath, let valueHash): hash = SparseMerkleTree.leafHash(path: leafPath, valueHash: valueHash)
        }
        for depth in siblings.indices.reversed() {
            hash = SparseMerkleTree.bit(path, depth) == 0
                ? SparseMerkleTree.innerHash(left: hash, right: siblings[depth])
                : SparseMerkleTree.innerHash(left: siblings[depth], right: hash)
        }
        return hash
    }

    /// Whether this proof shows that, in the tree whose root is `root`, `path` holds a leaf
    /// with `valueHash` (or, for nil, holds nothing).
    public func verify(root: Bytes, path: Bytes, valueHash: Bytes?) -> Bool {
        guard root.count == SparseMerkleTree.hashSize, path.count == SparseMerkleTree.hashSize,
              siblings.count <= SparseMerkleTree.depthLimit,
              siblings.allSatisfy({ $0.count == SparseMerkleTree.hashSize })
        else { return false }
        switch (terminal, valueHash) {
        case (.empty, nil):
            break
        case (.leaf(let leafPath, let leafValue), let wanted?):
            guard leafPath == path, leafValue == wanted else { return false }
        case (.leaf(let leafPath, _), nil):
            guard leafPath.count == SparseMerkleTree.hashSize, leafPath != path,
                  SparseMerkleTree.sharePrefix(leafPath, path, bits: siblings.count)
            else { return false }
        case (.empty, _?):
            return false
        }
        return computedRoot(for: path) == root
    }
}

extension SMTProof {
    public var bytes: Bytes {
        var out = Bytes()
        switch terminal {
        case .empty:
            out.append(0)
        case .leaf(let path, let valueHash):
            out.append(1)
            out += path
            out += valueHash
        }
        let depth = siblings.count
        out.append(UInt8(truncatingIfNeeded: depth >> 8))
        out.append(UInt8(truncatingIfNeeded: depth))
        var bitmap = Bytes(repeating: 0, count: (depth + 7) / 8)
        var hashes = Bytes()
        for (index, sibling) in siblings.enumerated() where sibling != SparseMerkleTree.emptyHash {
            bitmap[index >> 3] |= 0x80 >> UInt8(index & 7)
            hashes += sibling
        }
        return out + bitmap + hashes
    }

    /// Decodes `bytes`; nil for anything but exactly one well-formed proof (trailing bytes,
    /// unused bitmap bits set, an explicit all-zero sibling), so one proof has one encoding.
    public init?(bytes: Bytes) {
        var reader = ProofReader(bytes: bytes)
        let size = SparseMerkleTree.hashSize
        switch reader.take(1)?.first {
        case 0?: terminal = .empty
        case 1?:
            guard let path = reader.take(size), let valueHash = reader.take(size) else { return nil }
            terminal = .leaf(path: path, valueHash: valueHash)
        default: return nil
        }
        guard let depthBytes = reader.take(2) else { return nil }
        let depth = Int(depthBytes[0]) << 8 | Int(depthBytes[1])
        guard depth <= SparseMerkleTree.depthLimit, let bitmap = reader.take((depth + 7) / 8) else { return nil }
        var siblings: [Bytes] = []
        siblings.reserveCapacity(depth)
        for index in 0..<depth {
            if bitmap[index >> 3] & (0x80 >> UInt8(index & 7)) == 0 {
                siblings.append(SparseMerkleTree.emptyHash)
            } else {
                guard let sibling = reader.take(size), sibling != SparseMerkleTree.emptyHash else { return nil }
                siblings.append(sibling)
            }
        }
        if depth & 7 != 0, let last = bitmap.last, last & (0xFF >> UInt8(depth & 7)) != 0 { return nil }
        guard reader.isAtEnd else { return nil }
        self.siblings = siblings
    }
}

extension SparseMerkleTree {
    /// The proof for `path` in the tree whose root is stored under `root`: reads one node per
    /// level.
    public static func prove(path: Bytes, root: SMTNodeKey, reader: some SMTNodeReader) throws -> SMTProof {
        var siblings: [Bytes] = []
        var key = root
        while !key.isEmpty {
            switch try reader.node(key) {
            case .leaf(let leafPath, let valueHash):
                return SMTProof(terminal: .leaf(path: leafPath, valueHash: valueHash), siblings: siblings)
            case .inner(let left, let right):
                guard siblings.count < depthLimit else { throw SMTError.tooDeep }
                let goesLeft = bit(path, siblings.count) == 0
                siblings.append(goesLeft ? right.hash : left.hash)
                key = goesLeft ? left : right
            }
        }
        return SMTProof(terminal: .empty, siblings: siblings)
    }
}

/// Reads fixed-size fields off the front of a proof, failing instead of trapping past the end.
private struct ProofReader {
    let bytes: Bytes
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) -> Bytes? {
        guard count <= bytes.count - offset else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
}
