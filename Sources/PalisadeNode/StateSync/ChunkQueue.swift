import PalisadeABCI
import PalisadeCrypto

/// The chunks of the snapshot being restored (CometBFT's `chunkQueue`), as a value with no I/O:
/// which are wanted, which are asked of whom and until when, which arrived and from whom, which
/// the app has applied. Chunks are fetched in parallel, in any order, and applied strictly in
/// index order. Time is an input (milliseconds on any monotonic clock).
struct ChunkQueue {
    enum Slot: Equatable {
        case needed
        case requested(peer: String, deadline: Int64)
        case received(chunk: Bytes, sender: String)
    }

    struct Request: Equatable {
        var index: UInt32
        var peer: String
    }

    enum ReceiveOutcome: Equatable {
        case stored
        /// A chunk we no longer need (already here, or from a sender the app refused), from a
        /// peer we did ask: dropped, the peer is not at fault.
        case ignored
        /// The peer says it has no such chunk (pruned since it advertised): asked of another.
        case missing
        /// Not a chunk we asked this peer for, or not one of this snapshot's: the peer is faulty.
        case unsolicited(String)
    }

    let snapshot: Snapshot
    /// The largest chunk accepted: what the chunk channel can carry.
    let maxChunkBytes: Int
    private var slots: [Slot]
    private var applied: [Bool]
    /// Per chunk, the peers that failed to deliver it (timed out, or said missing): asked again
    /// only when no one else is left.
    private var failed: [UInt32: Set<String>] = [:]
    /// Per chunk, every peer it was ever asked of: a late answer from one of them is not a fault.
    private var asked: [UInt32: Set<String>] = [:]
    /// Senders the app refused: nothing more of theirs is kept.
    private var refused: Set<String> = []

    init(snapshot: Snapshot, maxChunkBytes: Int) {
        self.snapshot = snapshot
        self.maxChunkBytes = maxChunkBytes
        slots = Array(repeating: .needed, count: Int(snapshot.chunks))
        applied = Array(repeating: false, count: Int(snapshot.chunks))
    }

    var isComplete: Bool { !applied.contains(false) }

    /// The next chunk to apply, once it is here: the lowest index not applied yet.
    var next: (index: UInt32, chunk: Bytes, sender: String)? {
        guard let index = applied.firstIndex(of: false), case let .received(chunk, sender) = slots[index] else { return nil }
        return (UInt32(index), chunk, sender)
    }

    func slot(_ index: UInt32) -> Slot? {
        Int(index) < slots.count ? slots[Int(index)] : nil
    }

    var inFlight: Int {
        slots.reduce(0) { count, slot in if case .requested = slot { count + 1 } else { count } }
    }

    /// Requests to send so that at most `fetchers` are in flight: the lowest wanted indices
    /// first (they unblock applying), each to the source with the fewest requests in flight
    /// that has not failed that chunk yet. Nothing more than `window` chunks past the next one
    /// to apply is asked for, so a slow chunk 0 cannot make us hold the whole snapshot in memory.
    mutating func assign(peers: [String], fetchers: Int, window: Int, now: Int64, timeout: Int64) -> [Request] {
        guard !peers.isEmpty else { return [] }
        let horizon = (applied.firstIndex(of: false) ?? slots.count) + window
        var load: [String: Int] = Dictionary(uniqueKeysWithValues: peers.map { ($0, 0) })
        for case let .requested(peer, _) in slots where load[peer] != nil { load[peer, default: 0] += 1 }
        var requests: [Request] = []
        var budget = fetchers - inFlight
        for index in slots.indices where budget > 0 && index < horizon && slots[index] == .needed {
            let key = UInt32(index)
            let fresh = peers.filter { failed[key]?.contains($0) != true }
            // Everyone failed this chunk once: start over rather than stall.
            if fresh.isEmpty { failed[key] = nil }
            let candidates = fresh.isEmpty ? peers : fresh
            guard let peer = candidates.min(by: { (load[$0] ?? 0, $0) < (load[$1] ?? 0, $1) }) else { continue }
            slots[index] = .requested(peer: peer, deadline: now + timeout)
            asked[key, default: []].insert(peer)
            load[peer, default: 0] += 1
            budget -= 1
            requests.append(Request(index: key, peer: peer))
        }
        return requests
    }

    /// A chunk from `peer`: kept only if it is one of this snapshot's that we asked that peer
    /// for and still need, and no larger than a chunk can be. A late answer (the request timed
    /// out and went to another peer) is still taken while the chunk is wanted.
    mutating func receive(_ response: StateSyncMessage.ChunkResponse, from peer: String) -> ReceiveOutcome {
        guard response.height == snapshot.height, response.format == snapshot.format else {
            return .unsolicited("chunk of snapshot \(response.height)/\(response.format), restoring \(snapshot.height)/\(snapshot.format)")
        }
        guard let slot = slot(response.index) else {
            return .unsolicited("chunk \(response.index) of a snapshot of \(snapshot.chunks) chunks")
        }
        guard asked[response.index]?.contains(peer) == true else {
            return .unsolicited("chunk \(response.index) was not asked of this peer")
        }
        if refused.contains(peer) || applied[Int(response.index)] { return .ignored }
        if case .received = slot { return .ignored }
        if response.missing {
            if case .requested(peer, _) = slot { markFailed(response.index, by: peer) }
            return .missing
        }
        guard response.chunk.count <= maxChunkBytes else {
            return .unsolicited("chunk of \(response.chunk.count) bytes, at most \(maxChunkBytes)")
        }
        slots[Int(response.index)] = .received(chunk: response.chunk, sender: peer)
        return .stored
    }

    /// Requests past their deadline go back to wanted, to be asked of another peer.
    mutating func expire(now: Int64) -> [Request] {
        var expired: [Request] = []
        for index in slots.indices {
            guard case let .requested(peer, deadline) = slots[index], deadline <= now else { continue }
            markFailed(UInt32(index), by: peer)
            expired.append(Request(index: UInt32(index), peer: peer))
        }
        return expired
    }

    mutating func markApplied(_ index: UInt32) {
        guard Int(index) < applied.count else { return }
        applied[Int(index)] = true
    }

    /// The app asked for this chunk again (`refetch_chunks`): fetched anew and applied again in
    /// index order, even if it had been applied.
    mutating func discard(_ index: UInt32) {
        guard Int(index) < slots.count else { return }
        slots[Int(index)] = .needed
        applied[Int(index)] = false
    }

    /// The app refused `peer` (`reject_senders`): whatever it sent that is not applied yet, and
    /// what it was asked for, is fetched from someone else.
    mutating func discardSender(_ peer: String) {
        refused.insert(peer)
        for index in slots.indices where !applied[index] {
            switch slots[index] {
            case .received(_, peer), .requested(peer, _): slots[index] = .needed
            default: break
            }
        }
    }

    /// The peer went away: what it was asked for goes to others.
    mutating func peerGone(_ peer: String) {
        for index in slots.indices {
            if case .requested(peer, _) = slots[index] { slots[index] = .needed }
        }
    }

    private mutating func markFailed(_ index: UInt32, by peer: String) {
        slots[Int(index)] = .needed
        failed[index, default: []].insert(peer)
    }
}
