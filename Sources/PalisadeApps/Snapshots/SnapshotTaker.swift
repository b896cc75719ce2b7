import PalisadeABCI

/// Takes an app's snapshots every `interval` heights into its `directory`, off the Commit path:
/// the app hands over a frozen copy of the state just committed (the kvstore a read view pinned
/// at its height, the staking app its state value), and the chunks are cut and written by a
/// background task, so the chain does not wait for them (a 1M-key kvstore snapshot took 10 s
/// inside Commit). One snapshot at a time: a Commit that finds the previous one still being
/// written waits for it, which happens only when writing takes longer than the interval.
public actor SnapshotTaker {
    public nonisolated let directory: SnapshotDirectory
    public nonisolated let interval: Int64
    private var task: Task<Void, Never>?
    /// Why the last snapshot could not be written, if it could not. A snapshot is a service to
    /// peers, never a reason to stop the chain: the next interval tries again.
    public private(set) var failure: String?

    public init(directory: SnapshotDirectory, interval: Int64) {
        self.directory = directory
        self.interval = max(0, interval)
    }

    /// A snapshot is taken of every height that is a multiple of the interval.
    nonisolated func isDue(at height: Int64) -> Bool {
        interval > 0 && height > 0 && height % interval == 0
    }

    /// Returns once the snapshot being written, if any, is on disk (the next snapshot, tests,
    /// benchmarks, shutdown).
    public func waitForSnapshot() async {
        await task?.value
    }

    /// Writes the snapshot of `height` in the background, after the one before it: `content`
    /// runs off the caller's actor and returns the metadata and the chunks.
    func take(height: Int64, content: @escaping @Sendable () throws -> (metadata: Bytes, chunks: [Bytes])) async {
        await waitForSnapshot()
        task = Task.detached(priority: .background) { [directory] in
            var failure: String?
            do {
                let snapshot = try content()
                try directory.write(height: height, metadata: snapshot.metadata, chunks: snapshot.chunks)
            } catch {
                failure = "snapshot at height \(height): \(error)"
            }
            await self.finished(failure: failure)
        }
    }

    /// Records a snapshot that could not even be started (its state could not be pinned).
    func failed(height: Int64, _ error: any Error) {
        failure = "snapshot at height \(height): \(error)"
    }

    private func finished(failure: String?) {
        self.failure = failure
        task = nil
    }
}
