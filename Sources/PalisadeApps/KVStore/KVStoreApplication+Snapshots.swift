import PalisadeABCI

/// State-sync snapshots of the kvstore (format in `KVSnapshotFormat`): taken after the Commit of
/// every `interval`-th height, served to peers from a `SnapshotDirectory`, and restored
/// chunk by chunk into an empty store, checked at the end against the app hash the node verified.
extension KVStoreApplication: SnapshottingApplication {
    /// Rows read from the store per query while a snapshot is taken.
    static let snapshotPageSize = 10_000

    /// Takes snapshots of every `interval`-th height into `directory`.
    public func enableSnapshots(directory: SnapshotDirectory, interval: Int64) {
        snapshots = SnapshotTaker(directory: directory, interval: interval)
    }

    /// Runs after a Commit: pins the state just committed in a read view (a GRDB snapshot on a
    /// second connection) and has `SnapshotTaker` write the snapshot from it in the background.
    func takeSnapshotIfDue() async {
        guard let snapshots, snapshots.isDue(at: head.height) else { return }
        // The previous snapshot's view is closed before this one is opened.
        await snapshots.waitForSnapshot()
        let height = head.height, size = head.size, validators = self.validators
        let view: any KVStateReadView
        do { view = try store.readView() } catch {
            await snapshots.failed(height: height, error)
            return
        }
        await snapshots.take(height: height) {
            defer { view.close() }
            return try Self.snapshot(from: view, size: size, validators: validators)
        }
    }

    static func snapshot(from view: any KVStateReadView, size: Int64,
                         validators: [Ed25519PublicKey: Int64]) throws -> (metadata: Bytes, chunks: [Bytes]) {
        var writer = SnapshotChunks.Writer()
        var after: Bytes?
        while true {
            let page = try view.pairs(after: after, limit: snapshotPageSize)
            for pair in page { writer.append(key: pair.key, value: pair.value) }
            guard let last = page.last, page.count == snapshotPageSize else { break }
            after = last.key
        }
        let chunks = writer.finish()
        return (KVSnapshotFormat.encode(size: size, validators: validators, chunks: chunks), chunks)
    }

    public func listSnapshots() async throws -> [Snapshot] {
        snapshots?.directory.snapshots(format: KVSnapshotFormat.format) { KVSnapshotFormat.decode($0)?.chunkHashes.count } ?? []
    }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        snapshots?.directory.chunk(request, format: KVSnapshotFormat.format) ?? []
    }

    /// Accepts a snapshot of our format whose metadata is whole and hashes to the snapshot's hash,
    /// on an app that has no state of its own (state sync is for fresh nodes).
    public func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        let snapshot = request.snapshot
        guard snapshot.format == KVSnapshotFormat.format else { return .rejectFormat }
        guard head.height == 0 || restoring != nil else { return .abort }
        guard snapshot.height > 0, request.appHash.count == SparseMerkleTree.hashSize,
              SHA256Hash.digest(snapshot.metadata) == snapshot.hash,
              let metadata = KVSnapshotFormat.decode(snapshot.metadata),
              metadata.chunkHashes.count == Int(snapshot.chunks) else { return .reject }
        try resetForRestore()
        restoring = KVSnapshotRestore(snapshot: snapshot, metadata: metadata, appHash: request.appHash)
        return .accept
    }

    /// Applies the next chunk: a chunk whose hash is not the one the metadata names is asked for
    /// again from another peer; a snapshot whose chunks decode wrongly, or whose tree does not
    /// reach the verified app hash, is given up and the store emptied.
    public func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        guard var restore = restoring else { return ApplySnapshotChunkResponse(result: .abort) }
        if let refusal = restore.cursor.refusal(of: request) { return refusal }
        guard let pairs = restore.cursor.advance(over: request.chunk) else { return try giveUp() }
        var written: [Bytes: Bytes] = [:]
        for pair in pairs { written[pair.key] = pair.value }
        // Pairs go to the store as they come, under an app still at height 0 with the empty tree:
        // a node that stops mid-restore finds an app with no height, and a new state sync starts
        // it over. The tree is built once, from all pairs, after the last chunk: built chunk by
        // chunk, each node on a path would be written and replaced once per chunk (a 1M-key
        // restore took 727 s that way, against one pass for the whole tree).
        try store.commit(KVCommitBatch(head: .empty, pairs: written, validators: [:],
                                       tree: SMTUpdate(root: .empty, created: [:], stale: [])))
        guard restore.cursor.isComplete else {
            restoring = restore
            return ApplySnapshotChunkResponse(result: .accept)
        }
        restoring = nil
        return try finishRestore(restore)
    }

    /// Builds the tree over every restored pair and the snapshot's validators; keeps it only if
    /// its root is the app hash the node verified.
    private func finishRestore(_ restore: KVSnapshotRestore) throws -> ApplySnapshotChunkResponse {
        var changes: [SMTChange] = []
        var after: Bytes?
        while true {
            let page = try store.pairs(after: after, limit: Self.snapshotPageSize)
            for pair in page { changes.append(KVTreeLayout.change(key: pair.key, value: pair.value)) }
            guard let last = page.last, page.count == Self.snapshotPageSize else { break }
            after = last.key
        }
        let validators = restore.metadata.validators.filter { $0.value > 0 }
        for (key, power) in validators { changes.append(KVTreeLayout.change(validator: key, power: power)) }
        let tree = try SparseMerkleTree.update(root: .empty, version: restore.height, changes: changes, reader: nodes)
        guard tree.root.hash == restore.appHash else { return try giveUp() }
        let head = KVHead(height: restore.height, size: restore.metadata.size, root: tree.root)
        try save(KVCommitBatch(head: head, pairs: [:], validators: validators, tree: tree), validators: validators)
        return ApplySnapshotChunkResponse(result: .accept)
    }

    private func giveUp() throws -> ApplySnapshotChunkResponse {
        try resetForRestore()
        restoring = nil
        return ApplySnapshotChunkResponse(result: .rejectSnapshot)
    }

    private func resetForRestore() throws {
        try store.reset()
        head = .empty
        validators = [:]
    }
}
