import Logging
import PalisadeABCI
import PalisadeCrypto

/// State sync's side of the peer-to-peer layer (CometBFT's `statesync.Reactor`): every node
/// serves its app's snapshots to peers that ask, and a node that is state-syncing hands the
/// answers it gets to its `StateSyncer`. Serving is bounded per peer by a `ServeBudget`; a
/// request over budget is dropped and counted, and the asker's own timeout sends it elsewhere.
public actor StateSyncReactor {
    /// CometBFT's `recentSnapshots`: a peer is told about this many of our newest snapshots.
    static let advertised = 10

    private let app: any Application
    private let network: any PeerNetwork
    private let logger: Logger
    private let clock = MonotonicMilliseconds()
    private var budget = ServeBudget()
    private var syncer: StateSyncer?
    /// Requests dropped for being over a peer's budget.
    private(set) var refused = 0

    public init(app: any Application, network: any PeerNetwork, logger: Logger) {
        self.app = app
        self.network = network
        self.logger = logger
    }

    /// While `syncer` is set, snapshot advertisements and chunks go to it; nil when it is done.
    public func attach(_ syncer: StateSyncer?) {
        self.syncer = syncer
    }

    public func peerConnected(_ peer: String) async {
        await syncer?.peerConnected(peer)
    }

    public func peerDisconnected(_ peer: String) async {
        budget.forget(peer)
        await syncer?.peerDisconnected(peer)
    }

    /// A message on channel 0x60 or 0x61. An undecodable one, or one on the wrong channel,
    /// drops the peer.
    public func receive(_ bytes: Bytes, channel: UInt8, from peer: String) async {
        let message: StateSyncMessage
        do { message = try StateSyncMessage(decoding: bytes) } catch {
            await network.disconnect(peer: peer, reason: "state sync: \(error)")
            return
        }
        guard message.channel == channel else {
            await network.disconnect(peer: peer, reason: "state sync: message on channel \(channel)")
            return
        }
        switch message {
        case .snapshotsRequest:
            await serveSnapshots(to: peer)
        case let .chunkRequest(height, format, index):
            await serveChunk(height: height, format: format, index: index, to: peer)
        case .snapshotsResponse, .chunkResponse:
            await syncer?.receive(message, from: peer)
        }
    }

    private func serveSnapshots(to peer: String) async {
        guard admit(peer) else { return }
        budget.charge(peer, bytes: ServeBudget.listingCost, now: elapsed())
        let snapshots: [Snapshot]
        do { snapshots = try await app.listSnapshots() } catch {
            logger.error("ListSnapshots failed", metadata: ["error": "\(error)"])
            return
        }
        let newest = snapshots.sorted { ($0.height, $0.format) > ($1.height, $1.format) }.prefix(Self.advertised)
        for snapshot in newest where snapshot.height > 0 && snapshot.chunks > 0 {
            await network.send(to: peer, channel: NodeChannel.snapshot,
                               bytes: StateSyncMessage.snapshotsResponse(snapshot).encoded(), priority: .relay)
        }
    }

    private func serveChunk(height: UInt64, format: UInt32, index: UInt32, to peer: String) async {
        guard admit(peer) else { return }
        let chunk: Bytes
        do { chunk = try await app.loadSnapshotChunk(LoadSnapshotChunkRequest(height: height, format: format, chunk: index)) } catch {
            logger.error("LoadSnapshotChunk failed", metadata: ["height": "\(height)", "chunk": "\(index)", "error": "\(error)"])
            return
        }
        budget.charge(peer, bytes: chunk.count, now: elapsed())
        let response = StateSyncMessage.ChunkResponse(height: height, format: format, index: index, chunk: chunk,
                                                      missing: chunk.isEmpty)
        await network.send(to: peer, channel: NodeChannel.chunk, bytes: StateSyncMessage.chunkResponse(response).encoded(),
                           priority: .relay)
    }

    private func admit(_ peer: String) -> Bool {
        if budget.allows(peer, now: elapsed()) { return true }
        refused += 1
        logger.debug("state sync request over the peer's budget, dropped", metadata: ["peer": "\(peer)"])
        return false
    }

    private func elapsed() -> Int64 {
        clock.now()
    }
}
