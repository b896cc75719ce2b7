import PalisadeABCI

/// One stored node of a `SparseMerkleTree`. Its encoding (`body`) is the preimage of its hash,
/// so a store needs nothing else to serve proofs, and a node read back can be checked against
/// the hash it was asked for.
public enum SMTNode: Sendable, Hashable {
    case leaf(path: Bytes, valueHash: Bytes)
    case inner(left: Bytes, right: Bytes)

    /// `prefix ‖ 32 bytes ‖ 32 bytes`.
    public static let bodySize = 1 + 2 * SparseMerkleTree.hashSize

    public var body: Bytes {
        var out = Bytes()
        out.reserveCapacity(Self.bodySize)
        switch self {
        case .leaf(let path, let valueHash):
            out.append(SparseMerkleTree.leafPrefix)
            out += path
            out += valueHash
        case .inner(let left, let right):
            out.append(SparseMerkleTree.innerPrefix)
            out += left
            out += right
        }
        return out
    }

    public var hash: Bytes {
        switch self {
        case .leaf(let path, let valueHash): SparseMerkleTree.leafHash(path: path, valueHash: valueHash)
        case .inner(let left, let right): SparseMerkleTree.innerHash(left: left, right: right)
        }
    }

    /// Decodes a stored body; nil when it is not 65 bytes with a known prefix (a corrupt store).
    public init?(body: Bytes) {
        guard body.count == Self.bodySize else { return nil }
        let first = Array(body[1...SparseMerkleTree.hashSize])
        let second = Array(body[(SparseMerkleTree.hashSize + 1)...])
        switch body[0] {
        case SparseMerkleTree.leafPrefix: self = .leaf(path: first, valueHash: second)
        case SparseMerkleTree.innerPrefix: self = .inner(left: first, right: second)
        default: return nil
        }
    }

    var isLeaf: Bool {
        if case .leaf = self { return true }
        return false
    }
}

/// Where an update or a proof reads the committed tree's nodes from.
public protocol SMTNodeReader {
    /// The node whose hash is `hash`; throws `SMTError.missingNode` (or the store's own error)
    /// when the store does not have it, which means the store is corrupt.
    func node(_ hash: Bytes) throws -> SMTNode
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
