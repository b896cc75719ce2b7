import Logging
import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeState
import PalisadeTypes
import Synchronization
import Testing

@Suite("State sync serving and boot decision")
struct StateSyncServingTests {
    /// An app with `count` snapshots of one chunk of `chunkBytes` each, at heights 1...count.
    struct SnapshotServer: Application {
        let count: Int
        var chunkBytes = 1_024

        func listSnapshots() async throws -> [Snapshot] {
            (1...count).map { Snapshot(height: UInt64($0), format: 1, chunks: 1, hash: Bytes(repeating: UInt8($0), count: 32)) }
        }

        func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
            request.height <= UInt64(count) ? Bytes(repeating: 7, count: chunkBytes) : []
        }
    }

    /// Remembers what was sent to whom.
    final class SentMessages: PeerNetwork, Sendable {
        let sent = Mutex<[(peer: String, message: StateSyncMessage)]>([])
        let dropped = Mutex<[String]>([])

        func send(to peer: String, channel: UInt8, bytes: Bytes) async {
            guard let message = try? StateSyncMessage(decoding: bytes) else { return }
            sent.withLock { $0.append((peer, message)) }
        }

        func broadcast(channel: UInt8, bytes: Bytes) async {}

        func disconnect(peer: String, reason: String) async {
            dropped.withLock { $0.append(peer) }
        }
    }

    @Test("a peer is told of the 10 newest snapshots, gets chunks, and is dropped for garbage or a wrong channel")
    func serving() async {
        let network = SentMessages()
        let reactor = StateSyncReactor(app: SnapshotServer(count: 14), network: network, logger: Logger(label: "serve"))
        await reactor.receive(StateSyncMessage.snapshotsRequest.encoded(), channel: NodeChannel.snapshot, from: "p")
        let heights = network.sent.withLock { $0 }.compactMap { entry -> UInt64? in
            if case .snapshotsResponse(let snapshot) = entry.message { snapshot.height } else { nil }
        }
        #expect(heights == Array((5...14).reversed()))
        await reactor.receive(StateSyncMessage.chunkRequest(height: 14, format: 1, index: 0).encoded(),
                              channel: NodeChannel.chunk, from: "p")
        await reactor.receive(StateSyncMessage.chunkRequest(height: 99, format: 1, index: 0).encoded(),
                              channel: NodeChannel.chunk, from: "p")
        let chunks = network.sent.withLock { $0 }.compactMap { entry -> StateSyncMessage.ChunkResponse? in
            if case .chunkResponse(let chunk) = entry.message { chunk } else { nil }
        }
        #expect(chunks.map(\.chunk.count) == [1_024, 0])
        #expect(chunks.map(\.missing) == [false, true])
        await reactor.receive([0xFF], channel: NodeChannel.chunk, from: "garbage")
        await reactor.receive(StateSyncMessage.snapshotsRequest.encoded(), channel: NodeChannel.chunk, from: "mixed")
        #expect(network.dropped.withLock { $0 } == ["garbage", "mixed"])
    }

    @Test("serving stops once a peer has taken its budget; other peers are still served")
    func servingIsBounded() async {
        let network = SentMessages()
        let reactor = StateSyncReactor(app: SnapshotServer(count: 1, chunkBytes: 1 << 20), network: network,
                                       logger: Logger(label: "serve"))
        let request = StateSyncMessage.chunkRequest(height: 1, format: 1, index: 0).encoded()
        // The burst is 32 chunks of 1 MiB, then 16 a second: asking 300 at once gets far fewer
        // (unless the loop took 16 s, which no run here comes near).
        for _ in 0..<300 { await reactor.receive(request, channel: NodeChannel.chunk, from: "greedy") }
        await reactor.receive(request, channel: NodeChannel.chunk, from: "other")
        let sent = network.sent.withLock { $0 }
        let greedy = sent.filter { $0.peer == "greedy" }.count
        #expect(greedy < 300)
        #expect(greedy >= ServeBudget.defaultBurst >> 20)
        #expect(sent.contains { $0.peer == "other" })
        #expect(await reactor.refused > 0)
    }

    /// An app that reports being at `height`.
    struct AppAt: Application {
        let height: Int64
        func info(_ request: InfoRequest) async throws -> InfoResponse { InfoResponse(lastBlockHeight: height) }
    }

    @Test("state sync runs only on a fresh home: a store or app with blocks ignores enable")
    func onlyOnAFreshHome() async throws {
        var config = StateSyncConfig()
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1), chainID: "c", validators: [])
        let provider = FakeStateProvider([])
        let logger = Logger(label: "boot")
        func decide(_ app: any Application, _ store: any ChainStore) async throws -> Bool {
            try await Node.stateSyncProvider(config: config, injected: provider, store: store, app: app, genesis: genesis,
                                             logger: logger) != nil
        }
        #expect(try await !decide(AppAt(height: 0), MemoryChainStore()), "disabled")
        config.enable = true
        #expect(try await decide(AppAt(height: 0), MemoryChainStore()))
        #expect(try await !decide(AppAt(height: 7), MemoryChainStore()))
        let synced = try await FakeStateProvider([]).state(height: 9)
        let store = MemoryChainStore()
        try store.bootstrap(state: synced, commit: Commit(height: 9, round: 0, blockID: .zero, signatures: []))
        #expect(try await !decide(AppAt(height: 0), store))
    }
}
