import PalisadeABCI

/// A state-sync restore in progress: the snapshot accepted, what its metadata promised, the app
/// hash the restored tree must reach, and how far the chunks have got. Chunks are applied in
/// order, each into the tree at once, so memory holds one chunk, never the state.
struct KVSnapshotRestore: Sendable {
    let snapshot: Snapshot
    let metadata: KVSnapshotFormat.Metadata
    let appHash: Bytes
    var next: UInt32 = 0
    /// The last key applied: keys must rise across the whole snapshot, so no key comes twice.
    var lastKey: Bytes?
    var root: SMTNodeKey = .empty

    var height: Int64 { Int64(snapshot.height) }
    var isLastChunk: Bool { Int(next) == metadata.chunkHashes.count - 1 }
}
