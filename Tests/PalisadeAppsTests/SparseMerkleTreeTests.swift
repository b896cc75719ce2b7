import PalisadeABCI
import PalisadeApps
import Testing

/// The tree against a reference written from its definition (the doc comment of
/// `SparseMerkleTree`), recomputed from scratch over the whole leaf set after every batch.
@Suite struct SparseMerkleTreeTests {
    typealias SplitMix64 = StakingConservationTests.SplitMix64
    static let zero = Bytes(repeating: 0, count: 32)

    /// Paths for the random runs: most are hashes (spread like real keys), a few are built to
    /// share 250+ leading bits, so deep chains and depth-255 splits are exercised too.
    static let universe: [Bytes] = {
        var paths = (0..<40).map { SHA256Hash.digest(Array("key\($0)".utf8)) }
        for last: UInt8 in [0x00, 0x01, 0x02, 0x80] { paths.append(Bytes(repeating: 0, count: 31) + [last]) }
        paths.append([0x80] + Bytes(repeating: 0, count: 31))
        return paths
    }()

    @Test(arguments: 0..<64 as Range<UInt64>)
    func rootMatchesReferenceForRandomSetsAndDeletes(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let store = DictionaryNodes()
        var root = SMTNodeKey.empty
        var model: [Bytes: Bytes] = [:]
        for version in 1...12 as ClosedRange<Int64> {
            var batch: [Bytes: Bytes?] = [:]
            for _ in 0..<Int.random(in: 1...16, using: &random) {
                let path = Self.universe[Int.random(in: 0..<Self.universe.count, using: &random)]
                batch[path] = Bool.random(using: &random) ? nil : SHA256Hash.digest([UInt8.random(in: 0...3, using: &random)])
            }
            let update = try SparseMerkleTree.update(
                root: root, version: version, changes: batch.map { SMTChange(path: $0.key, valueHash: $0.value) }, reader: store)
            store.apply(update)
            root = update.root
            for (path, value) in batch { model[path] = value }
            #expect(root.hash == Self.referenceRoot(model.map { ($0.key, $0.value) }), "seed \(seed)")
            #expect(update.created.keys.allSatisfy { $0.version == version }, "seed \(seed)")
            // Exactly the new tree's nodes are stored: none it lost remain, none it needs are gone.
            #expect(store.nodes.count == Self.referenceNodeCount(model.map { ($0.key, $0.value) }), "seed \(seed)")
        }
    }

    @Test func sameLeavesInAnyOrderGiveOneRoot() throws {
        let leaves = Self.universe.map { SMTChange(path: $0, valueHash: SHA256Hash.digest($0)) }
        let all = try SparseMerkleTree.update(root: .empty, version: 1, changes: leaves, reader: DictionaryNodes())
        let store = DictionaryNodes()
        var root = SMTNodeKey.empty
        for (version, change) in zip(1..., leaves.reversed()) {
            let update = try SparseMerkleTree.update(root: root, version: Int64(version), changes: [change], reader: store)
            store.apply(update)
            root = update.root
        }
        #expect(root.hash == all.root.hash)
    }

    @Test func duplicatePathsInOneBatchAreRefused() {
        let change = SMTChange(path: Self.universe[0], valueHash: Self.zero)
        #expect(throws: SMTError.duplicatePath(Self.universe[0])) {
            try SparseMerkleTree.update(root: .empty, version: 1, changes: [change, change], reader: DictionaryNodes())
        }
    }

    @Test func proofsForEveryPathVerifyAndDetectTampering() throws {
        let present = Array(Self.universe.prefix(30))
        let store = DictionaryNodes()
        let update = try SparseMerkleTree.update(
            root: .empty, version: 1, changes: present.map { SMTChange(path: $0, valueHash: SHA256Hash.digest($0)) }, reader: store)
        store.apply(update)
        let root = update.root.hash
        for path in Self.universe + [Bytes(repeating: 0xFF, count: 32)] {
            let proof = try SparseMerkleTree.prove(path: path, root: update.root, reader: store)
            let value = present.contains(path) ? SHA256Hash.digest(path) : nil
            #expect(proof.verify(root: root, path: path, valueHash: value))
            #expect(SMTProof(bytes: proof.bytes) == proof)
            // The opposite claim fails, and so does any other value or root.
            #expect(!proof.verify(root: root, path: path, valueHash: value == nil ? SHA256Hash.digest(path) : nil))
            #expect(!proof.verify(root: root, path: path, valueHash: Self.zero))
            #expect(!proof.verify(root: Self.flip(root, at: 31), path: path, valueHash: value))
        }
    }

    @Test func emptyTreeProvesAbsenceOnly() throws {
        let proof = try SparseMerkleTree.prove(path: Self.universe[0], root: .empty, reader: DictionaryNodes())
        #expect(proof == SMTProof(terminal: .empty, siblings: []))
        #expect(proof.verify(root: Self.zero, path: Self.universe[0], valueHash: nil))
        #expect(!proof.verify(root: Self.zero, path: Self.universe[0], valueHash: Self.zero))
    }

    /// Malformed proof bytes decode to nil instead of trapping, and one proof has one encoding.
    @Test func proofDecodingRejectsMalformedBytes() throws {
        let store = DictionaryNodes()
        let update = try SparseMerkleTree.update(
            root: .empty, version: 1, changes: Self.universe.map { SMTChange(path: $0, valueHash: $0) }, reader: store)
        store.apply(update)
        let bytes = try SparseMerkleTree.prove(path: Self.universe[41], root: update.root, reader: store).bytes
        #expect(SMTProof(bytes: bytes) != nil)
        for cut in 0..<bytes.count { #expect(SMTProof(bytes: Array(bytes.prefix(cut))) == nil, "cut at \(cut)") }
        #expect(SMTProof(bytes: bytes + [0]) == nil)
        #expect(SMTProof(bytes: [2] + bytes.dropFirst()) == nil)
        #expect(SMTProof(bytes: [0, 0x01, 0x01]) == nil)  // depth 257
        #expect(SMTProof(bytes: [0, 0, 1, 0x7F]) == nil)  // unused bitmap bits set
        #expect(SMTProof(bytes: [0, 0, 1, 0x80] + Self.zero) == nil)  // an empty sibling spelled out
    }

    // MARK: - The reference: the definition, evaluated from scratch

    static func bit(_ path: Bytes, _ depth: Int) -> Int { Int(path[depth / 8] >> (7 - UInt8(depth % 8))) & 1 }

    static func referenceRoot(_ leaves: [(path: Bytes, valueHash: Bytes?)], depth: Int = 0) -> Bytes {
        let present = leaves.compactMap { leaf in leaf.valueHash.map { (leaf.path, $0) } }
        return reference(present, depth: depth).root
    }

    static func referenceNodeCount(_ leaves: [(path: Bytes, valueHash: Bytes?)]) -> Int {
        reference(leaves.compactMap { leaf in leaf.valueHash.map { (leaf.path, $0) } }, depth: 0).nodes
    }

    static func reference(_ leaves: [(Bytes, Bytes)], depth: Int) -> (root: Bytes, nodes: Int) {
        switch leaves.count {
        case 0: return (zero, 0)
        case 1: return (SHA256Hash.digest([0x00] + leaves[0].0 + leaves[0].1), 1)
        default:
            let left = reference(leaves.filter { bit($0.0, depth) == 0 }, depth: depth + 1)
            let right = reference(leaves.filter { bit($0.0, depth) == 1 }, depth: depth + 1)
            return (SHA256Hash.digest([0x01] + left.root + right.root), left.nodes + right.nodes + 1)
        }
    }

    static func flip(_ bytes: Bytes, at index: Int) -> Bytes {
        var out = bytes
        out[index] ^= 0x01
        return out
    }
}

/// A node store in a dictionary, applying updates as a store's commit would.
final class DictionaryNodes: SMTNodeReader {
    var nodes: [SMTNodeKey: Bytes] = [:]

    func node(_ key: SMTNodeKey) throws -> SMTNode {
        guard let body = nodes[key], let node = SMTNode(body: body) else { throw SMTError.missingNode(hash: key.hash) }
        return node
    }

    /// Inserts before it deletes: `stale` and `created` must be disjoint, so order cannot matter.
    func apply(_ update: SMTUpdate) {
        for (key, node) in update.created { nodes[key] = node.body }
        for key in update.stale { nodes.removeValue(forKey: key) }
    }
}
