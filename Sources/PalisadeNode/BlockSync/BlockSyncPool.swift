import PalisadeCrypto
import PalisadeTypes

/// Block sync's bookkeeping, as a value with no I/O (ARCHITECTURE §4a): which height to ask
/// which peer for, the chunks that came back, the blocks ready to apply in order. Many heights
/// are in flight across many peers at once, within a window of heights and a budget of bytes; a
/// request that times out, or that a peer answers with "no block", goes to another peer; a peer
/// whose answer is wrong is not asked again for a while. The driver verifies each block's commit
/// when it is the next to apply and reports the verdict back (`applied` or `rejected`).
struct BlockSyncPool {
    struct Limits: Sendable {
        /// Heights requested or waiting beyond the next one to apply.
        var window: Int64 = 128
        /// Requests one peer has in flight at once: a slow peer holds back at most this many.
        var perPeer = 16
        /// How long a peer may go without delivering anything we asked it for before its
        /// requests go to other peers.
        var requestTimeout: Int64 = 15_000
        /// How long a peer that failed us is not asked again.
        var exclusion: Int64 = 60_000
        /// Bytes of blocks held (assembling or ready) before no more are requested: the window
        /// times `block.max_bytes` could otherwise reach gigabytes.
        var maxBufferedBytes = 128 << 20
        /// The largest block accepted (`block.max_bytes`, plus room for the protobuf framing).
        var maxBlockBytes = 22_020_096 + 4_096
    }

    struct Ready: Sendable {
        var block: Block
        /// The block's bytes as the peer sent them: once its commit verifies they are the bytes
        /// the validators signed (the part-set hash is over them), so they are stored as they
        /// are instead of the block being encoded again.
        var bytes: Bytes
        /// Computed once here (a header hash and the part-set hash of the received bytes).
        var blockID: BlockID
        var commit: Commit
        /// The commit's precommits with their extensions, when the peer sent them (a height with
        /// vote extensions); the driver verifies their signatures before storing them.
        var extendedCommit: ExtendedCommit?
        var peer: String
    }

    enum ChunkOutcome: Sendable, Equatable {
        /// Not a chunk of anything we asked this peer for: the peer is misbehaving.
        case unsolicited
        /// Malformed (sizes, indices, an undecodable block or commit, the wrong height).
        case invalid(String)
        case pending
        case complete
    }

    private struct Request {
        var peer: String
        var sentAt: Int64
        var total: Int = 0
        var chunks: [Int: Bytes] = [:]
        var commit: Bytes = []
        var extendedCommit: Bytes = []
        var bytes = 0
    }

    private(set) var limits: Limits
    /// The next height to apply.
    private(set) var next: Int64
    private var requests: [Int64: Request] = [:]
    private var ready: [Int64: Ready] = [:]
    private var excludedUntil: [String: Int64] = [:]
    /// When each peer last delivered a chunk we asked for. A peer answers its requests one after
    /// another, so with `perPeer` large blocks in flight the last waits for all the others: timed
    /// from when it was sent, a busy honest peer (every peer, on a loaded machine) timed out,
    /// and with every peer excluded sync stopped. Late means silent for `requestTimeout`.
    private var lastDelivery: [String: Int64] = [:]
    /// Bytes held in `requests` and `ready`, kept as they change: `plan` checks it once per
    /// height of the window, and summing both tables each time made planning quadratic.
    private(set) var bufferedBytes = 0

    init(next: Int64, limits: Limits = Limits()) {
        self.next = next
        self.limits = limits
    }

    var inFlight: Int { requests.count }
    func inFlight(to peer: String) -> Int { requests.values.count { $0.peer == peer } }

    /// The requests to send now, lowest heights first. `peers` maps each peer to the highest
    /// height it has stored, `bases` to the lowest (a peer that prunes has nothing below it); a
    /// peer is asked only for heights it holds, and the least loaded peer that holds a height
    /// gets it, so a window spreads over every useful peer.
    mutating func plan(peers: [String: Int64], bases: [String: Int64] = [:],
                       now: Int64) -> [(peer: String, height: Int64)] {
        var load: [String: Int] = [:]
        for request in requests.values { load[request.peer, default: 0] += 1 }
        let usable = peers.keys.sorted().filter { (excludedUntil[$0] ?? .min) <= now }
        var planned: [(peer: String, height: Int64)] = []
        var height = next
        while height < next + limits.window, bufferedBytes < limits.maxBufferedBytes {
            defer { height += 1 }
            guard requests[height] == nil, ready[height] == nil else { continue }
            let holders = usable.filter {
                (peers[$0] ?? 0) >= height && (bases[$0] ?? 0) <= height && load[$0, default: 0] < limits.perPeer
            }
            // The least loaded holder; among equals the one with the lowest height, which keeps
            // the peers that hold more free for the heights only they can serve.
            guard let peer = holders.min(by: {
                (load[$0, default: 0], peers[$0] ?? 0, $0) < (load[$1, default: 0], peers[$1] ?? 0, $1)
            }) else { continue }
            requests[height] = Request(peer: peer, sentAt: now)
            load[peer, default: 0] += 1
            planned.append((peer, height))
        }
        return planned
    }

    /// One chunk of the block at `height` from `peer`. Sizes are checked before anything is
    /// kept, and the block and commit are decoded only once every chunk is in.
    mutating func receive(height: Int64, index: Int, total: Int, data: Bytes, commit: Bytes,
                          extendedCommit: Bytes = [], from peer: String) -> ChunkOutcome {
        guard var request = requests[height], request.peer == peer else { return .unsolicited }
        let maxChunks = limits.maxBlockBytes / BlockSyncMessage.chunkBytes + 1
        guard total > 0, total <= maxChunks, index >= 0, index < total, data.count <= BlockSyncMessage.chunkBytes,
              request.total == 0 || request.total == total else {
            return fail(height, "chunk \(index) of \(total) (\(data.count) bytes) does not fit the block's framing")
        }
        guard request.chunks[index] == nil else { return fail(height, "chunk \(index) sent twice") }
        guard extendedCommit.count <= BlockSyncMessage.maxExtendedCommitBytes else {
            return fail(height, "an extended commit of \(extendedCommit.count) bytes")
        }
        let received = data.count + commit.count + extendedCommit.count
        guard request.bytes + received <= limits.maxBlockBytes * 2 + BlockSyncMessage.maxExtendedCommitBytes else {
            return fail(height, "more than \(limits.maxBlockBytes) bytes")
        }
        request.total = total
        request.chunks[index] = data
        request.bytes += received
        bufferedBytes += received
        if index == 0 {
            request.commit = commit
            request.extendedCommit = extendedCommit
        }
        requests[height] = request
        guard request.chunks.count == total else { return .pending }
        drop(height)
        let bytes = total == 1 ? request.chunks[0] ?? [] : (0..<total).flatMap { request.chunks[$0] ?? [] }
        let block: Block
        let decided: Commit
        let extended: ExtendedCommit?
        do {
            block = try Block(protobuf: bytes)
            decided = try Commit(protobuf: request.commit)
            extended = request.extendedCommit.isEmpty ? nil : try ExtendedCommit(protobuf: request.extendedCommit)
        } catch {
            return fail(height, "\(error)")
        }
        let blockID = BlockID(hash: block.header.hash(), partSetHeader: PartSet(data: bytes).header)
        guard block.header.height == height, decided.height == height, decided.blockID == blockID else {
            return fail(height, "block or commit is not for height \(height)")
        }
        if let extended, extended.commit.height != height || extended.commit.round != decided.round
            || extended.commit.blockID != blockID {
            return fail(height, "extended commit is not for the commit's height, round and block")
        }
        ready[height] = Ready(block: block, bytes: bytes, blockID: blockID, commit: decided, extendedCommit: extended,
                              peer: peer)
        bufferedBytes += bytes.count
        return .complete
    }

    private mutating func fail(_ height: Int64, _ reason: String) -> ChunkOutcome {
        drop(height)
        return .invalid("block \(height): \(reason)")
    }

    /// `peer` delivered a chunk of a block we asked it for: its other requests are not late.
    mutating func delivered(by peer: String, now: Int64) {
        lastDelivery[peer] = max(lastDelivery[peer] ?? .min, now)
    }

    /// `peer` does not hold `height`: ask someone else. False if we never asked it.
    mutating func noBlock(height: Int64, from peer: String, now: Int64) -> Bool {
        guard requests[height]?.peer == peer else { return false }
        drop(height)
        excludedUntil[peer] = now + limits.requestTimeout
        return true
    }

    /// The next block to verify and apply, if it has arrived.
    func nextReady() -> Ready? { ready[next] }

    /// The next block was verified and applied.
    mutating func applied() {
        unready(next)
        next += 1
    }

    /// Forgets the request for `height` and the bytes it held.
    private mutating func drop(_ height: Int64) {
        bufferedBytes -= requests.removeValue(forKey: height)?.bytes ?? 0
    }

    /// Forgets the block ready at `height` and its bytes.
    private mutating func unready(_ height: Int64) {
        bufferedBytes -= ready.removeValue(forKey: height)?.bytes.count ?? 0
    }

    /// The next block failed verification: it and everything else its peer sent are dropped and
    /// asked of someone else, and the peer is excluded (the driver also disconnects it).
    mutating func rejected(now: Int64) {
        guard let bad = ready[next] else { return }
        exclude(bad.peer, now: now)
    }

    /// Drops what `peer` owes and sent that is not yet applied, and does not ask it again for a while.
    mutating func exclude(_ peer: String, now: Int64) {
        excludedUntil[peer] = now + limits.exclusion
        forget(peer)
        for (height, item) in ready where item.peer == peer {
            unready(height)
        }
    }

    /// A peer that left: its requests go to others. Blocks it delivered stay: each is verified
    /// before it is applied, whoever sent it.
    mutating func forget(_ peer: String) {
        for (height, request) in requests where request.peer == peer {
            drop(height)
        }
    }

    /// Requests whose peer has delivered nothing since the timeout, counted from when each was
    /// sent: dropped, and their peers returned so the driver can note them; each is excluded for
    /// a while.
    mutating func expire(now: Int64) -> [String] {
        let late = requests.filter {
            now - max($0.value.sentAt, lastDelivery[$0.value.peer] ?? .min) > limits.requestTimeout
        }
        var peers: Set<String> = []
        for (height, request) in late {
            drop(height)
            peers.insert(request.peer)
        }
        for peer in peers { excludedUntil[peer] = now + limits.exclusion }
        return peers.sorted()
    }

    func isExcluded(_ peer: String, now: Int64) -> Bool { (excludedUntil[peer] ?? .min) > now }

    /// Starts a sync session from `height`; which peers are excluded, and until when, is kept.
    mutating func reset(next height: Int64, limits: Limits? = nil) {
        if let limits { self.limits = limits }
        next = height
        requests = [:]
        ready = [:]
        bufferedBytes = 0
    }
}
