import PalisadeABCI

/// State-sync snapshots of the staking app (format in `StakingSnapshotFormat`): taken after the
/// Commit of every `interval`-th height, served to peers from a `SnapshotDirectory`, and
/// restored chunk by chunk into an app without blocks, checked at the end against the app hash
/// the node verified.
extension StakingApplication: SnapshottingApplication {
    /// Takes snapshots of every `interval`-th height into `directory`.
    public func enableSnapshots(directory: SnapshotDirectory, interval: Int64) {
        snapshots = SnapshotTaker(directory: directory, interval: interval)
    }

    /// Runs after a Commit. The committed state is a value, so the copy handed to the background
    /// task is already frozen at its height: encoding and writing it happen off the actor while
    /// the next blocks execute.
    func takeSnapshotIfDue() async {
        guard let snapshots, snapshots.isDue(at: committed.height) else { return }
        let state = committed
        await snapshots.take(height: state.height) { StakingSnapshotFormat.snapshot(of: state) }
    }

    public func listSnapshots() async throws -> [Snapshot] {
        snapshots?.directory.snapshots(format: StakingSnapshotFormat.format) {
            StakingSnapshotFormat.decode($0)?.chunkHashes.count
        } ?? []
    }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        snapshots?.directory.chunk(request, format: StakingSnapshotFormat.format) ?? []
    }

    /// Accepts a snapshot of our format whose metadata is whole and hashes to the snapshot's
    /// hash, on an app that has committed no block (state sync is for fresh nodes; a genesis
    /// state from InitChain is replaced).
    public func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        let snapshot = request.snapshot
        guard snapshot.format == StakingSnapshotFormat.format else { return .rejectFormat }
        guard (committed.height == 0 && pending == nil) || restoring != nil else { return .abort }
        guard snapshot.height > 0, let height = Int64(exactly: snapshot.height), request.appHash.count == SHA256Hash.size,
              SHA256Hash.digest(snapshot.metadata) == snapshot.hash,
              let metadata = StakingSnapshotFormat.decode(snapshot.metadata),
              metadata.chunkHashes.count == Int(snapshot.chunks) else { return .reject }
        restoring = StakingSnapshotRestore(height: height, metadata: metadata, appHash: request.appHash)
        return .accept
    }

    /// Applies the next chunk to the state being rebuilt. A chunk whose hash is not the one the
    /// metadata names is asked for again from another peer; a snapshot whose records do not
    /// decode, or whose state does not hash to the verified app hash, is given up.
    public func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        guard var restore = restoring else { return ApplySnapshotChunkResponse(result: .abort) }
        if let refusal = restore.cursor.refusal(of: request) { return refusal }
        guard let records = restore.cursor.advance(over: request.chunk) else { return giveUp() }
        for record in records {
            guard StakingSnapshotFormat.apply(key: record.key, value: record.value, to: &restore.state) else { return giveUp() }
        }
        guard restore.cursor.isComplete else {
            restoring = restore
            return ApplySnapshotChunkResponse(result: .accept)
        }
        restoring = nil
        guard restore.state.appHash == restore.appHash else { return giveUp() }
        try await store?.save(restore.state)
        committed = restore.state
        checkState = restore.state
        return ApplySnapshotChunkResponse(result: .accept)
    }

    private func giveUp() -> ApplySnapshotChunkResponse {
        restoring = nil
        return ApplySnapshotChunkResponse(result: .rejectSnapshot)
    }
}
