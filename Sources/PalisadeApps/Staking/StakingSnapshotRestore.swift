import PalisadeABCI

/// A state-sync restore in progress: the state being rebuilt from the chunks applied so far,
/// and the app hash it must reach once the last one is in. The staking state is one value in
/// memory, so it is built there and saved once, whole: a node that stops mid-restore finds an
/// app with no height, and a new state sync starts it over.
struct StakingSnapshotRestore: Sendable {
    let height: Int64
    let appHash: Bytes
    var cursor: SnapshotRestoreCursor
    var state: StakingState

    init(height: Int64, metadata: StakingSnapshotFormat.Metadata, appHash: Bytes) {
        self.height = height
        self.appHash = appHash
        cursor = SnapshotRestoreCursor(chunkHashes: metadata.chunkHashes)
        state = StakingState(height: height, chainID: metadata.chainID, params: metadata.params, burned: metadata.burned)
    }
}
