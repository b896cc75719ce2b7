import PalisadeABCI

/// An app whose snapshots a `SnapshotTaker` takes (the kvstore, the staking app): what callers
/// ask of any of them, whichever its format.
public protocol SnapshottingApplication: Actor {
    /// Nil until `enableSnapshots`: the app then takes none and serves none.
    var snapshots: SnapshotTaker? { get }
}

extension SnapshottingApplication {
    /// Why the last snapshot could not be written, if it could not.
    public var snapshotFailure: String? {
        get async { await snapshots?.failure }
    }

    /// Returns once the snapshot being written, if any, is on disk (tests, benchmarks, shutdown).
    public func waitForSnapshot() async {
        await snapshots?.waitForSnapshot()
    }
}
