import PalisadeABCI

/// A state-sync restore in progress: the snapshot accepted, what its metadata promised, the app
/// hash the restored tree must reach, and how far the chunks have got. Chunks are applied in
/// order; their pairs go to the store at once, and the tree is built over all of them after the
/// last one.
struct KVSnapshotRestore: Sendable {
    let snapshot: Snapshot
    let metadata: KVSnapshotFormat.Metadata
    let appHash: Bytes
    var cursor: SnapshotRestoreCursor

    init(snapshot: Snapshot, metadata: KVSnapshotFormat.Metadata, appHash: Bytes) {
        self.snapshot = snapshot
        self.metadata = metadata
        self.appHash = appHash
        cursor = SnapshotRestoreCursor(chunkHashes: metadata.chunkHashes)
    }

    var height: Int64 { Int64(snapshot.height) }
}
