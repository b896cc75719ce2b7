import PalisadeConsensus
import PalisadeNode
import PalisadeStorage
import Synchronization

/// The WAL in memory, durable across the endpoint's crashes the way a file is: appended records
/// are kept apart from synced ones, and a crash keeps every synced record and only a prefix of
/// the unsynced ones (how much of a write reached the disk, chosen by the seed). `gate` is the
/// current incarnation's: a dead one writes nothing.
final class MemoryLog: ConsensusLog, Sendable {
    private struct Records {
        var synced: [WALEntry] = []
        var unsynced: [WALEntry] = []
        var gate: PortGate?
    }

    private let records = Mutex(Records())
    let path: String
    var recoveryNote: String? { nil }

    init(endpoint: Int) {
        path = "memory://n\(endpoint)/cs.wal"
    }

    func attach(_ gate: PortGate) {
        records.withLock { $0.gate = gate }
    }

    func append(_ entry: WALEntry) throws(WALError) {
        try records.withLock { (records: inout Records) throws(WALError) in
            guard records.gate?.pass() ?? false else { throw Self.crashed }
            records.unsynced.append(entry)
        }
    }

    func sync() throws(WALError) {
        try records.withLock { (records: inout Records) throws(WALError) in
            guard records.gate?.pass() ?? false else { throw Self.crashed }
            records.synced += records.unsynced
            records.unsynced = []
        }
    }

    /// As `ConsensusWAL`: the synced and surviving records, cut at the previous height's marker.
    func entries(forHeight height: Int64) throws(WALError) -> [WALEntry] {
        try ConsensusWAL.replaySlice(of: records.withLock { $0.synced + $0.unsynced }, forHeight: height, path: path)
    }

    /// The crash: `keep` of the unsynced records survive, in order. Returns how many were lost.
    func crash(keepUnsynced keep: (Int) -> Int) -> Int {
        records.withLock { records in
            let kept = min(records.unsynced.count, max(0, keep(records.unsynced.count)))
            let lost = records.unsynced.count - kept
            records.synced += records.unsynced.prefix(kept)
            records.unsynced = []
            records.gate = nil
            return lost
        }
    }

    /// The amnesia fault: the file is gone.
    func wipe() {
        records.withLock { $0 = Records() }
    }

    var count: Int { records.withLock { $0.synced.count + $0.unsynced.count } }

    private static let crashed = WALError.io(FileIOError(path: "memory", operation: "write", errno: 5))
}

/// A port call's permission for one incarnation (see `SimWorld.portCall`).
struct PortGate: Sendable {
    let world: SimWorld
    let endpoint: Int
    let incarnation: Int

    func pass() -> Bool { world.portCall(endpoint: endpoint, incarnation: incarnation) }
}
