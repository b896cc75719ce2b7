import Logging
import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Restores the app from a peer's snapshot (CometBFT's `statesync.syncer`): discovery, choosing
/// a snapshot, OfferSnapshot with the light-verified app hash, chunks fetched from several peers
/// at once and applied in order, and the restored app checked against that hash. The decisions
/// live in two values with no I/O, `SnapshotPool` and `ChunkQueue`; this actor feeds them peer
/// messages and the clock and carries out what they decide. The caller routes the state-sync
/// responses peers send (`receive`) and peer arrivals and departures to it while `sync` runs.
public actor StateSyncer {
    public struct Options: Sendable {
        /// `discovery_time`, in milliseconds.
        public var discoveryTime: Int64
        /// `chunk_request_timeout`, in milliseconds.
        public var chunkRequestTimeout: Int64
        /// `chunk_fetchers`
        public var chunkFetchers: Int
        /// The largest chunk accepted: the chunk channel's message limit.
        public var maxChunkBytes: Int
        /// Chunks fetched ahead of the next one to apply: with 1 MiB chunks, 64 MiB held at most.
        public var window = 64
        /// How often timeouts are checked when nothing arrives.
        public var tick: Int64 = 100
        /// How often the app may answer `retry` for one chunk, or `retry_snapshot` for one
        /// snapshot, before the snapshot is given up (CometBFT retries without end).
        public var maxRetries = 10

        public init(discoveryTime: Int64, chunkRequestTimeout: Int64, chunkFetchers: Int, maxChunkBytes: Int) {
            self.discoveryTime = discoveryTime
            self.chunkRequestTimeout = chunkRequestTimeout
            self.chunkFetchers = max(1, chunkFetchers)
            self.maxChunkBytes = maxChunkBytes
        }
    }

    /// What the node resumes from: the app holds `snapshot`'s state, `state` is the chain state
    /// after block `snapshot.height` and `commit` the commit that decided it.
    public struct Result: Sendable {
        public var snapshot: Snapshot
        public var state: ChainState
        public var commit: Commit
    }

    /// How one attempt at a snapshot ended, short of success.
    private enum Attempt: Error {
        /// Try the next snapshot (this one was rejected, or no peer has it any more).
        case next
        /// Offer the same snapshot again (`retry_snapshot`).
        case again
    }

    /// The shortest wait between two rounds of discovery.
    static let rediscoveryFloor: Int64 = 1_000

    private let app: any Application
    private let provider: any StateSyncStateProvider
    private let network: any PeerNetwork
    private let options: Options
    private let logger: Logger
    private let clock = MonotonicMilliseconds()

    private var pool = SnapshotPool()
    private var peers: Set<String> = []
    /// The snapshot being restored, while its chunks are fetched.
    private var queue: ChunkQueue?
    private var waiter: CheckedContinuation<Void, Never>?
    private var woken = false

    public init(app: any Application, provider: any StateSyncStateProvider, network: any PeerNetwork,
                options: Options, logger: Logger) {
        self.app = app
        self.provider = provider
        self.network = network
        self.options = options
        self.logger = logger
    }

    // MARK: - Inputs

    /// A peer is up: ask it for its snapshots (discovery is not limited to the first wait).
    public func peerConnected(_ peer: String) async {
        peers.insert(peer)
        await network.send(to: peer, channel: NodeChannel.snapshot, bytes: StateSyncMessage.snapshotsRequest.encoded())
    }

    public func peerDisconnected(_ peer: String) {
        peers.remove(peer)
        pool.removePeer(peer)
        queue?.peerGone(peer)
        wake()
    }

    /// A snapshot advertisement or a chunk from `peer`. A chunk that is not what we asked that
    /// peer for drops the peer.
    func receive(_ message: StateSyncMessage, from peer: String) async {
        switch message {
        case .snapshotsResponse(let snapshot):
            guard peers.contains(peer) else { return }
            if pool.add(snapshot, from: peer) == .added {
                logger.debug("discovered snapshot", metadata: ["peer": "\(peer)", "height": "\(snapshot.height)",
                                                               "format": "\(snapshot.format)", "chunks": "\(snapshot.chunks)"])
                wake()
            }
        case .chunkResponse(let response):
            guard var current = queue else {
                logger.debug("chunk while no snapshot is being restored", metadata: ["peer": "\(peer)"])
                return
            }
            let outcome = current.receive(response, from: peer)
            queue = current
            switch outcome {
            case .stored, .missing: wake()
            case .ignored: break
            case .unsolicited(let reason):
                logger.info("dropping peer for a chunk we did not ask for", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                pool.removePeer(peer)
                queue?.peerGone(peer)
                peers.remove(peer)
                await network.disconnect(peer: peer, reason: "state sync: \(reason)")
                wake()
            }
        case .snapshotsRequest, .chunkRequest:
            return
        }
    }

    // MARK: - The sync

    /// Runs until the app holds a verified snapshot, then returns what the node resumes from.
    /// Throws `StateSyncError.aborted` when the app aborts, the app's or the provider's errors
    /// when they fail, and `CancellationError` when cancelled; otherwise keeps discovering.
    public func sync() async throws -> Result {
        await broadcastSnapshotsRequest()
        var discovery = options.discoveryTime
        while true {
            try await wait(milliseconds: discovery)
            // Later rounds wait at least a second: with `discovery_time = 0` and no snapshot
            // anywhere, asking again at once would be a busy loop of broadcasts.
            discovery = max(options.discoveryTime, Self.rediscoveryFloor)
            var retries: [Snapshot: Int] = [:]
            while let snapshot = pool.best() {
                try Task.checkCancellation()
                switch try await restore(snapshot) {
                case .success(let result): return result
                case .failure(.next): continue
                case .failure(.again):
                    retries[snapshot, default: 0] += 1
                    if retries[snapshot, default: 0] > options.maxRetries { reject(snapshot, "the app asked to retry it too often") }
                }
            }
            logger.info("no snapshot to restore; asking peers again", metadata: ["peers": "\(peers.count)"])
            await broadcastSnapshotsRequest()
        }
    }

    /// One attempt at `snapshot`: verified facts first (a light-client failure should not cost a
    /// restore), then the offer, the chunks and the final check against the app.
    private func restore(_ snapshot: Snapshot) async throws -> Swift.Result<Result, Attempt> {
        guard let height = Int64(exactly: snapshot.height) else {
            reject(snapshot, "height out of range")
            return .failure(.next)
        }
        let appHash: Bytes, state: ChainState, commit: Commit
        do {
            appHash = try await provider.appHash(height: height)
            state = try await provider.state(height: height)
            commit = try await provider.commit(height: height)
        } catch {
            try Task.checkCancellation()
            reject(snapshot, "cannot verify its height: \(error)")
            return .failure(.next)
        }
        logger.info("offering snapshot to the app", metadata: ["height": "\(height)", "format": "\(snapshot.format)",
                                                               "chunks": "\(snapshot.chunks)", "app_hash": "\(appHash.upperHex)"])
        switch try await app.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) {
        case .accept: break
        case .abort: throw StateSyncError.aborted
        case .reject:
            reject(snapshot, "the app rejected it")
            return .failure(.next)
        case .rejectFormat:
            logger.info("the app rejected snapshot format", metadata: ["format": "\(snapshot.format)"])
            pool.rejectFormat(snapshot.format)
            return .failure(.next)
        case .rejectSender:
            for peer in pool.peers(of: snapshot) { pool.rejectPeer(peer) }
            logger.info("the app rejected the snapshot's senders", metadata: ["height": "\(height)"])
            return .failure(.next)
        }
        if let attempt = try await fetchAndApply(snapshot) { return .failure(attempt) }
        let info = try await app.info(InfoRequest(version: Handshake.softwareVersion, blockVersion: Handshake.blockProtocol))
        guard info.lastBlockHeight == height, info.lastBlockAppHash == appHash else {
            reject(snapshot, "the restored app is at height \(info.lastBlockHeight) with app hash "
                + "\(info.lastBlockAppHash.upperHex), the verified header says \(height) and \(appHash.upperHex)")
            return .failure(.next)
        }
        logger.notice("snapshot restored", metadata: ["height": "\(height)", "app_hash": "\(appHash.upperHex)"])
        return .success(Result(snapshot: snapshot, state: state, commit: commit))
    }

    /// Fetches the chunks in parallel and applies them in order; nil once all are applied.
    private func fetchAndApply(_ snapshot: Snapshot) async throws -> Attempt? {
        queue = ChunkQueue(snapshot: snapshot, maxChunkBytes: options.maxChunkBytes)
        defer { queue = nil }
        var retries: [UInt32: Int] = [:]
        while queue?.isComplete == false {
            try Task.checkCancellation()
            let now = elapsed()
            for expired in queue?.expire(now: now) ?? [] {
                logger.info("chunk request timed out", metadata: ["peer": "\(expired.peer)", "chunk": "\(expired.index)"])
            }
            let sources = pool.peers(of: snapshot).filter { peers.contains($0) }
            if sources.isEmpty, queue?.next == nil {
                logger.info("no peer left to fetch the snapshot from", metadata: ["height": "\(snapshot.height)"])
                return .next
            }
            for request in queue?.assign(peers: sources, fetchers: options.chunkFetchers, window: options.window,
                                         now: now, timeout: options.chunkRequestTimeout) ?? [] {
                let message = StateSyncMessage.chunkRequest(height: snapshot.height, format: snapshot.format, index: request.index)
                await network.send(to: request.peer, channel: NodeChannel.chunk, bytes: message.encoded())
            }
            guard let next = queue?.next else {
                try await wait(milliseconds: options.tick, orUntilWoken: true)
                continue
            }
            let response = try await app.applySnapshotChunk(
                ApplySnapshotChunkRequest(index: next.index, chunk: next.chunk, sender: next.sender))
            for index in response.refetchChunks { queue?.discard(index) }
            for sender in response.rejectSenders where !sender.isEmpty {
                logger.info("the app rejected a sender's chunks", metadata: ["peer": "\(sender)", "height": "\(snapshot.height)"])
                pool.ban(sender, from: snapshot)
                queue?.discardSender(sender)
            }
            switch response.result {
            case .accept:
                queue?.markApplied(next.index)
            case .abort:
                throw StateSyncError.aborted
            case .retry:
                retries[next.index, default: 0] += 1
                if retries[next.index, default: 0] > options.maxRetries {
                    reject(snapshot, "the app asked to retry chunk \(next.index) too often")
                    return .next
                }
            case .retrySnapshot:
                return .again
            case .rejectSnapshot:
                reject(snapshot, "the app rejected it while applying chunk \(next.index)")
                return .next
            }
        }
        return nil
    }

    private func reject(_ snapshot: Snapshot, _ reason: String) {
        logger.info("rejecting snapshot", metadata: ["height": "\(snapshot.height)", "format": "\(snapshot.format)",
                                                     "reason": "\(reason)"])
        pool.reject(snapshot)
    }

    private func broadcastSnapshotsRequest() async {
        await network.broadcast(channel: NodeChannel.snapshot, bytes: StateSyncMessage.snapshotsRequest.encoded())
    }

    // MARK: - Time

    private func elapsed() -> Int64 {
        clock.now()
    }

    private func wake() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            woken = true
        }
    }

    /// Sleeps `milliseconds`, or less when woken (a chunk or a snapshot arrived) and
    /// `orUntilWoken`. Cancellation ends the wait at the next tick and throws.
    private func wait(milliseconds: Int64, orUntilWoken: Bool = false) async throws {
        let deadline = elapsed() + milliseconds
        repeat {
            try Task.checkCancellation()
            if woken {
                woken = false
                if orUntilWoken { return }
                continue
            }
            let remaining = min(deadline - elapsed(), options.tick)
            guard remaining > 0 else { return }
            let timer = Task { [weak self] in
                do { try await Task.sleep(for: .milliseconds(remaining)) } catch { return }
                await self?.wake()
            }
            await withCheckedContinuation { waiter = $0 }
            timer.cancel()
            if orUntilWoken { woken = false; return }
        } while elapsed() < deadline
        woken = false
    }
}

/// State sync cannot go on.
public enum StateSyncError: Error, Sendable, CustomStringConvertible {
    /// The app answered `abort` to an offer or a chunk.
    case aborted

    public var description: String {
        switch self {
        case .aborted: "state sync aborted by the application"
        }
    }
}
