import PalisadeABCI

/// State-sync snapshots of the kvstore (format in `KVSnapshotFormat`): taken after the Commit of
/// every `snapshotInterval`-th height, served to peers from a `KVSnapshotDirectory`, and restored
/// chunk by chunk into an empty store, checked at the end against the app hash the node verified.
extension KVStoreApplication {
    /// Rows read from the store per query while a snapshot is taken.
    static let snapshotPageSize = 10_000

    /// Takes snapshots of every `interval`-th height into `directory`.
    public func enableSnapshots(directory: KVSnapshotDirectory, interval: Int64) {
        snapshotDirectory = directory
        snapshotInterval = max(0, interval)
    }

    /// Runs after a Commit: pins the state just committed (a read view) and writes the snapshot
    /// from it in the background, so the chain does not wait for it (a 1M-key snapshot took 10 s
    /// inside Commit). One snapshot at a time: a Commit that finds the previous one still being
    /// written waits for it, which only happens when writing takes longer than the interval.
    func takeSnapshotIfDue() async {
        guard let directory = snapshotDirectory, snapshotInterval > 0, head.height > 0,
              head.height % snapshotInterval == 0 else { return }
        await waitForSnapshot()
        let height = head.height, size = head.size, validators = self.validators
        let view: any KVStateReadView
        do { view = try store.readView() } catch {
            snapshotFailure = "snapshot at height \(height): \(error)"
            return
        }
        snapshotTask = Task.detached(priority: .background) { [weak self] in
            var failure: String?
            do {
                try Self.writeSnapshot(from: view, height: height, size: size, validators: validators, into: directory)
            } catch {
                failure = "snapshot at height \(height): \(error)"
            }
            view.close()
            await self?.snapshotWritten(failure: failure)
        }
    }

    private func snapshotWritten(failure: String?) {
        snapshotFailure = failure
        snapshotTask = nil
    }

    /// Returns once the snapshot being written, if any, is on disk (tests, benchmarks, shutdown).
    public func waitForSnapshot() async {
        await snapshotTask?.value
    }

    static func writeSnapshot(from view: any KVStateReadView, height: Int64, size: Int64,
                              validators: [Ed25519PublicKey: Int64], into directory: KVSnapshotDirectory) throws {
        var writer = KVSnapshotFormat.ChunkWriter()
        var after: Bytes?
        while true {
            let page = try view.pairs(after: after, limit: snapshotPageSize)
            for pair in page { writer.append(key: pair.key, value: pair.value) }
            guard let last = page.last, page.count == snapshotPageSize else { break }
            after = last.key
        }
        let chunks = writer.finish()
        let metadata = KVSnapshotFormat.encode(KVSnapshotFormat.Metadata(
            size: size, validators: validators, chunkHashes: chunks.map { SHA256Hash.digest($0) }))
        try directory.write(height: height, metadata: metadata, chunks: chunks)
    }

    public func listSnapshots() async throws -> [Snapshot] {
        guard let directory = snapshotDirectory else { return [] }
        return directory.heights().compactMap { height in
            guard let metadata = directory.metadata(height: height),
                  let decoded = KVSnapshotFormat.decode(metadata) else { return nil }
            return Snapshot(height: UInt64(height), format: KVSnapshotFormat.format,
                            chunks: UInt32(decoded.chunkHashes.count), hash: SHA256Hash.digest(metadata), metadata: metadata)
        }
    }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        guard request.format == KVSnapshotFormat.format, let directory = snapshotDirectory,
              let height = Int64(exactly: request.height) else { return [] }
        return directory.chunk(height: height, index: request.chunk) ?? []
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
        guard request.index == restore.next else { return ApplySnapshotChunkResponse(result: .retrySnapshot) }
        guard SHA256Hash.digest(request.chunk) == restore.metadata.chunkHashes[Int(request.index)] else {
            return ApplySnapshotChunkResponse(result: .retry, refetchChunks: [request.index],
                                              rejectSenders: request.sender.isEmpty ? [] : [request.sender])
        }
        guard let pairs = KVSnapshotFormat.pairs(in: request.chunk) else { return try giveUp() }
        var written: [Bytes: Bytes] = [:]
        for pair in pairs {
            if let last = restore.lastKey, !last.lexicographicallyPrecedes(pair.key) { return try giveUp() }
            restore.lastKey = pair.key
            written[pair.key] = pair.value
        }
        // Pairs go to the store as they come, under an app still at height 0 with the empty tree:
        // a node that stops mid-restore finds an app with no height, and a new state sync starts
        // it over. The tree is built once, from all pairs, after the last chunk: built chunk by
        // chunk, each node on a path would be written and replaced once per chunk (a 1M-key
        // restore took 727 s that way, against one pass for the whole tree).
        try store.commit(KVCommitBatch(head: .empty, pairs: written, validators: [:],
                                       tree: SMTUpdate(root: .empty, created: [:], stale: [])))
        restore.next += 1
        guard Int(restore.next) == restore.metadata.chunkHashes.count else {
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
