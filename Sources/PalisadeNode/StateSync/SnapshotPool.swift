import PalisadeABCI

/// The snapshots peers advertised during discovery, and who has each (CometBFT's `snapshotPool`),
/// as a value with no I/O. A snapshot is identified by all its fields, metadata included: two
/// peers have "the same" snapshot only if they agree on every byte the app will be offered.
///
/// What a peer may make us hold is bounded: at most `Limits.perPeer` snapshots (the most recent,
/// as CometBFT serves at most 10) and `Limits.bytesPerPeer` of hashes and metadata, so a peer
/// advertising endless snapshots costs a fixed amount of memory.
struct SnapshotPool {
    struct Limits: Sendable {
        /// CometBFT's `recentSnapshots`: what an honest peer sends at most.
        var perPeer = 10
        /// Hash and metadata bytes held for one peer's snapshots: ten kvstore snapshots of a
        /// 1 GiB state carry about 300 KiB of metadata each.
        var bytesPerPeer = 8 << 20
        /// The most chunks a snapshot may have: the chunk queue holds a slot per chunk, so a
        /// forged count of four billion must not reach it (a million 1 MiB chunks is a TiB).
        var maxChunks: UInt32 = 1 << 20
    }

    enum AddOutcome: Equatable {
        case added
        /// Known already from this peer, from a peer or format or snapshot we rejected, or with
        /// more chunks than `Limits.maxChunks`.
        case ignored
        /// Over the peer's bound, and older than everything it advertised: not kept.
        case overLimit
    }

    let limits: Limits
    /// Who advertised each snapshot (and was not banned from it since).
    private var holders: [Snapshot: Set<String>] = [:]
    /// Each peer's advertisements: what the per-peer bounds count.
    private var byPeer: [String: [Snapshot]] = [:]
    private var rejected: Set<Snapshot> = []
    private var rejectedFormats: Set<UInt32> = []
    /// Peers whose snapshots the app refused altogether (`OfferSnapshot` reject_sender).
    private var rejectedPeers: Set<String> = []
    /// Peers whose chunks the app refused for one snapshot (`ApplySnapshotChunk` reject_senders):
    /// never asked for that snapshot's chunks again, even if they advertise it again.
    private var banned: [Snapshot: Set<String>] = [:]

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    mutating func add(_ snapshot: Snapshot, from peer: String) -> AddOutcome {
        guard snapshot.chunks <= limits.maxChunks, !rejected.contains(snapshot), !rejectedFormats.contains(snapshot.format), !rejectedPeers.contains(peer),
              banned[snapshot]?.contains(peer) != true, holders[snapshot]?.contains(peer) != true
        else { return .ignored }
        var own = byPeer[peer] ?? []
        own.append(snapshot)
        // Keep the most recent ones within both bounds; the oldest go first.
        own.sort { $0.height > $1.height }
        var kept: [Snapshot] = []
        var bytes = 0
        for candidate in own {
            let size = Self.bytes(of: candidate)
            guard kept.count < limits.perPeer, bytes + size <= limits.bytesPerPeer else { continue }
            kept.append(candidate)
            bytes += size
        }
        for dropped in own where !kept.contains(dropped) && dropped != snapshot {
            removeHolder(peer, of: dropped)
        }
        byPeer[peer] = kept
        guard kept.contains(snapshot) else { return .overLimit }
        holders[snapshot, default: []].insert(peer)
        return .added
    }

    /// The snapshot to try next: the highest, then the newest format, then the one most peers
    /// have (more sources for its chunks); ties broken by hash so every run picks the same one.
    func best() -> Snapshot? {
        holders.filter { !$0.value.isEmpty }.keys.max { a, b in
            if a.height != b.height { return a.height < b.height }
            if a.format != b.format { return a.format < b.format }
            let peersA = holders[a]?.count ?? 0, peersB = holders[b]?.count ?? 0
            if peersA != peersB { return peersA < peersB }
            return a.hash.lexicographicallyPrecedes(b.hash)
        }
    }

    /// The peers to fetch `snapshot`'s chunks from, in a stable order.
    func peers(of snapshot: Snapshot) -> [String] {
        (holders[snapshot] ?? []).sorted()
    }

    var isEmpty: Bool { best() == nil }

    /// The app refused this snapshot, or it failed verification: it is not tried again.
    mutating func reject(_ snapshot: Snapshot) {
        rejected.insert(snapshot)
        forget(snapshot)
    }

    mutating func rejectFormat(_ format: UInt32) {
        rejectedFormats.insert(format)
        for snapshot in holders.keys where snapshot.format == format { forget(snapshot) }
    }

    /// The app refused everything from `peer` (`OfferSnapshot` reject_sender).
    mutating func rejectPeer(_ peer: String) {
        rejectedPeers.insert(peer)
        removePeer(peer)
    }

    /// The app refused `peer`'s chunks of `snapshot`: it is no longer a source for it.
    mutating func ban(_ peer: String, from snapshot: Snapshot) {
        banned[snapshot, default: []].insert(peer)
        removeHolder(peer, of: snapshot)
        byPeer[peer]?.removeAll { $0 == snapshot }
    }

    /// The peer disconnected: it is no source for anything now (it is asked again if it returns).
    mutating func removePeer(_ peer: String) {
        for snapshot in byPeer[peer] ?? [] { removeHolder(peer, of: snapshot) }
        byPeer[peer] = nil
    }

    private mutating func forget(_ snapshot: Snapshot) {
        for peer in holders[snapshot] ?? [] { byPeer[peer]?.removeAll { $0 == snapshot } }
        holders[snapshot] = nil
    }

    private mutating func removeHolder(_ peer: String, of snapshot: Snapshot) {
        holders[snapshot]?.remove(peer)
        if holders[snapshot]?.isEmpty == true { holders[snapshot] = nil }
    }

    /// What holding a snapshot costs beyond its fixed fields.
    private static func bytes(of snapshot: Snapshot) -> Int {
        snapshot.hash.count + snapshot.metadata.count + 32
    }
}
