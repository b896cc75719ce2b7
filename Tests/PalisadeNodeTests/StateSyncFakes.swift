import Logging
import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeState
import PalisadeTypes
import Synchronization

/// A snapshot for the state-sync tests: `chunks` chunks whose honest bytes are `content(index)`.
struct SyncSnapshot {
    var snapshot: Snapshot
    /// The app hash the restored app reports; the provider says `verifiedAppHash`.
    var restoredAppHash: Bytes
    var verifiedAppHash: Bytes

    init(height: UInt64, chunks: UInt32, restoresTo appHash: Bytes? = nil) {
        let verified = Bytes(repeating: UInt8(truncatingIfNeeded: height), count: 32)
        snapshot = Snapshot(height: height, format: 1, chunks: chunks, hash: Bytes(repeating: UInt8(truncatingIfNeeded: height) &+ 1, count: 32))
        verifiedAppHash = verified
        restoredAppHash = appHash ?? verified
    }

    static func content(height: UInt64, index: UInt32) -> Bytes {
        Bytes("snapshot \(height) chunk \(index)".utf8)
    }
}

/// An app restoring snapshots as the kvstore does: it knows each chunk's honest bytes (the
/// kvstore's metadata names their hashes), so a corrupt chunk is answered with "fetch it again,
/// and not from that sender".
final class RestoringApp: Application, Sendable {
    struct Log {
        var offered: [UInt64] = []
        var applied: [(index: UInt32, sender: String)] = []
        var rejectedSenders: [String] = []
        var restoring: SyncSnapshot?
        var done = false
    }

    let snapshots: [UInt64: SyncSnapshot]
    let log = Mutex(Log())

    init(_ snapshots: [SyncSnapshot]) {
        self.snapshots = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.snapshot.height, $0) })
    }

    func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        log.withLock { log in
            log.offered.append(request.snapshot.height)
            log.restoring = snapshots[request.snapshot.height]
            log.done = false
        }
        return snapshots[request.snapshot.height]?.verifiedAppHash == request.appHash ? .accept : .reject
    }

    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        log.withLock { log in
            guard let restoring = log.restoring else { return ApplySnapshotChunkResponse(result: .abort) }
            let height = restoring.snapshot.height
            guard request.chunk == SyncSnapshot.content(height: height, index: request.index) else {
                log.rejectedSenders.append(request.sender)
                return ApplySnapshotChunkResponse(result: .retry, refetchChunks: [request.index],
                                                  rejectSenders: [request.sender])
            }
            log.applied.append((request.index, request.sender))
            if request.index + 1 == restoring.snapshot.chunks { log.done = true }
            return ApplySnapshotChunkResponse(result: .accept)
        }
    }

    func info(_ request: InfoRequest) async throws -> InfoResponse {
        log.withLock { log in
            guard log.done, let restoring = log.restoring else { return InfoResponse() }
            return InfoResponse(lastBlockHeight: Int64(restoring.snapshot.height), lastBlockAppHash: restoring.restoredAppHash)
        }
    }
}

/// The light-verified facts, as the real provider would give them.
struct FakeStateProvider: StateSyncStateProvider {
    let snapshots: [UInt64: SyncSnapshot]

    init(_ snapshots: [SyncSnapshot]) {
        self.snapshots = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.snapshot.height, $0) })
    }

    struct Unknown: Error {}

    func appHash(height: Int64) async throws -> Bytes {
        guard let known = snapshots[UInt64(height)] else { throw Unknown() }
        return known.verifiedAppHash
    }

    func commit(height: Int64) async throws -> Commit {
        Commit(height: height, round: 0, blockID: .zero, signatures: [])
    }

    func state(height: Int64) async throws -> ChainState {
        guard let key = Ed25519PrivateKey(seed: Array(repeating: 7, count: 32)) else { throw Unknown() }
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1_700_000_000), chainID: "state-sync",
                                 validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
        var state = try ChainState(genesis: genesis)
        state.lastBlockHeight = height
        return state
    }
}

/// Peers that answer state-sync requests the way each is told to, from a task of their own
/// (as messages from a socket would arrive), and remember what they were asked.
final class FakeSyncPeers: PeerNetwork, Sendable {
    enum Behaviour: Sendable {
        case honest
        /// Answers every chunk request with other bytes.
        case corrupt
        /// Never answers a chunk request.
        case silent
        /// Answers a chunk request with a chunk of another index.
        case wrongIndex
    }

    struct Peer: Sendable {
        var advertises: [SyncSnapshot]
        var behaviour: Behaviour
    }

    struct Record {
        var chunkRequests: [(peer: String, index: UInt32)] = []
        var disconnected: [String] = []
    }

    let peers: [String: Peer]
    let record = Mutex(Record())
    private let syncer = Mutex<StateSyncer?>(nil)

    init(_ peers: [String: Peer]) {
        self.peers = peers
    }

    func attach(_ syncer: StateSyncer) async {
        self.syncer.withLock { $0 = syncer }
        for peer in peers.keys.sorted() { await syncer.peerConnected(peer) }
    }

    func send(to peer: String, channel: UInt8, bytes: Bytes) async {
        guard let behaviour = peers[peer], let syncer = syncer.withLock({ $0 }),
              let message = try? StateSyncMessage(decoding: bytes) else { return }
        switch message {
        case .snapshotsRequest:
            for advertised in behaviour.advertises {
                deliver(.snapshotsResponse(advertised.snapshot), from: peer, to: syncer)
            }
        case let .chunkRequest(height, format, index):
            record.withLock { $0.chunkRequests.append((peer, index)) }
            var chunk = SyncSnapshot.content(height: height, index: index)
            var answeredIndex = index
            switch behaviour.behaviour {
            case .honest: break
            case .corrupt: chunk = Bytes("garbage".utf8)
            case .silent: return
            case .wrongIndex: answeredIndex = index &+ 1
            }
            deliver(.chunkResponse(.init(height: height, format: format, index: answeredIndex, chunk: chunk, missing: false)),
                    from: peer, to: syncer)
        case .snapshotsResponse, .chunkResponse:
            return
        }
    }

    func broadcast(channel: UInt8, bytes: Bytes) async {
        for peer in peers.keys.sorted() { await send(to: peer, channel: channel, bytes: bytes) }
    }

    func disconnect(peer: String, reason: String) async {
        record.withLock { $0.disconnected.append(peer) }
        await syncer.withLock { $0 }?.peerDisconnected(peer)
    }

    private func deliver(_ message: StateSyncMessage, from peer: String, to syncer: StateSyncer) {
        Task { await syncer.receive(message, from: peer) }
    }
}

extension StateSyncer.Options {
    /// Short waits, so the tests run quickly; nothing asserts on how long anything took.
    static func test(fetchers: Int = 4, chunkTimeout: Int64 = 5_000) -> Self {
        var options = Self(discoveryTime: 100, chunkRequestTimeout: chunkTimeout, chunkFetchers: fetchers,
                           maxChunkBytes: 1 << 20)
        options.tick = 20
        return options
    }
}
