import PalisadeABCI

/// One stored node of a `SparseMerkleTree`. Its hash covers only the hash preimage (`prefix ‖
/// 32 bytes ‖ 32 bytes`); an inner node also names where its children are stored, which is not
/// hashed, so the app hash does not depend on when each node was written.
public enum SMTNode: Sendable, Hashable {
    case leaf(path: Bytes, valueHash: Bytes)
    case inner(left: SMTNodeKey, right: SMTNodeKey)

    /// `prefix ‖ 32 bytes ‖ 32 bytes`, what the hash is taken over.
    public static let preimageSize = 1 + 2 * SparseMerkleTree.hashSize
    /// An inner node's stored encoding adds its children's versions (8 bytes each, big-endian).
    public static let innerBodySize = preimageSize + 16

    /// The stored encoding: the preimage, then for an inner node the children's versions. A store
    /// needs nothing else to serve updates and proofs, and a node read back can be checked
    /// against the hash it was asked for.
    public var body: Bytes {
        var out = Bytes()
        out.reserveCapacity(Self.innerBodySize)
        switch self {
        case .leaf(let path, let valueHash):
            out.append(SparseMerkleTree.leafPrefix)
            out += path
            out += valueHash
        case .inner(let left, let right):
            out.append(SparseMerkleTree.innerPrefix)
            out += left.hash
            out += right.hash
            SMTNodeKey.appendVersion(left.version, to: &out)
            SMTNodeKey.appendVersion(right.version, to: &out)
        }
        return out
    }

    public var hash: Bytes {
        switch self {
        case .leaf(let path, let valueHash): SparseMerkleTree.leafHash(path: path, valueHash: valueHash)
        case .inner(let left, let right): SparseMerkleTree.innerHash(left: left.hash, right: right.hash)
        }
    }

    /// Decodes a stored body; nil when it is not a 65-byte leaf or an 81-byte inner node (a
    /// corrupt store).
    public init?(body: Bytes) {
        let size = SparseMerkleTree.hashSize
        guard body.count >= Self.preimageSize else { return nil }
        let first = Array(body[1...size])
        let second = Array(body[(size + 1)..<Self.preimageSize])
        switch body[0] {
        case SparseMerkleTree.leafPrefix where body.count == Self.preimageSize:
            self = .leaf(path: first, valueHash: second)
        case SparseMerkleTree.innerPrefix where body.count == Self.innerBodySize:
            self = .inner(left: SMTNodeKey(version: SMTNodeKey.version(body, at: Self.preimageSize), hash: first),
                          right: SMTNodeKey(version: SMTNodeKey.version(body, at: Self.preimageSize + 8), hash: second))
        default:
            return nil
        }
    }

    var isLeaf: Bool {
        if case .leaf = self { return true }
        return false
    }
}

/// Where an update or a proof reads the committed tree's nodes from.
public protocol SMTNodeReader {
    /// The node stored under `key`; throws `SMTError.missingNode` (or the store's own error)
    /// when the store does not have it, which means the store is corrupt.
    func node(_ key: SMTNodeKey) throws -> SMTNode
}

public enum SMTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A node the tree refers to is not in the store, or its body does not decode.
    case missingNode(hash: Bytes)
    case corruptNode(hash: Bytes)
    /// Two changes for one path in one update, or a tree deeper than a path is long: a caller's
    /// bug or a corrupt store, never reachable from well-formed input.
    case duplicatePath(Bytes)
    case tooDeep

    public var description: String {
        switch self {
        case .missingNode(let hash): "state tree: node \(hash.hex) is missing from the store"
        case .corruptNode(let hash): "state tree: node \(hash.hex) does not decode"
        case .duplicatePath(let path): "state tree: two changes for path \(path.hex) in one update"
        case .tooDeep: "state tree: deeper than \(SparseMerkleTree.depthLimit) levels"
        }
    }
}
