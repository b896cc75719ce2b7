import Logging
import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeNode
import Testing

/// The syncer against a fake app and fake peers: no sockets, short waits, and every expectation
/// about what was restored, from whom, and who was dropped (never about how long it took).
@Suite("State syncer: discovery, parallel chunks, faulty peers, the restored app checked")
struct StateSyncerTests {
    private func run(_ peers: FakeSyncPeers, app: RestoringApp, snapshots: [SyncSnapshot],
                     options: StateSyncer.Options = .test()) async throws -> StateSyncer.Result {
        let syncer = StateSyncer(app: app, provider: FakeStateProvider(snapshots), network: peers, options: options,
                                 logger: Logger(label: "statesync-test"))
        await peers.attach(syncer)
        return try await syncer.sync()
    }

    @Test("the highest snapshot is restored, chunks fetched from every peer that has it and applied in order")
    func discoveryAndParallelFetch() async throws {
        let high = SyncSnapshot(height: 20, chunks: 12), low = SyncSnapshot(height: 10, chunks: 3)
        let peers = FakeSyncPeers([
            "a": .init(advertises: [high, low], behaviour: .honest),
            "b": .init(advertises: [high], behaviour: .honest),
            "c": .init(advertises: [high], behaviour: .honest),
            "d": .init(advertises: [low], behaviour: .honest),
        ])
        let app = RestoringApp([high, low])
        let result = try await run(peers, app: app, snapshots: [high, low])
        #expect(result.snapshot == high.snapshot)
        #expect(result.state.lastBlockHeight == 20)
        let log = app.log.withLock { $0 }
        #expect(log.offered == [20])
        #expect(log.applied.map(\.index) == Array(0..<12))
        let askedOf = Set(peers.record.withLock { $0.chunkRequests.map(\.peer) })
        #expect(askedOf == ["a", "b", "c"], "chunks come from every holder of the snapshot, never from d")
    }

    @Test("a chunk request that times out goes to another peer")
    func timeoutReRequests() async throws {
        let snapshot = SyncSnapshot(height: 9, chunks: 4)
        let peers = FakeSyncPeers([
            "honest": .init(advertises: [snapshot], behaviour: .honest),
            "silent": .init(advertises: [snapshot], behaviour: .silent),
        ])
        let app = RestoringApp([snapshot])
        let result = try await run(peers, app: app, snapshots: [snapshot], options: .test(chunkTimeout: 150))
        #expect(result.snapshot == snapshot.snapshot)
        let requests = peers.record.withLock { $0.chunkRequests }
        let askedOfSilent = Set(requests.filter { $0.peer == "silent" }.map(\.index))
        #expect(!askedOfSilent.isEmpty)
        for index in askedOfSilent {
            #expect(requests.contains { $0.peer == "honest" && $0.index == index }, "chunk \(index) re-requested")
        }
        #expect(app.log.withLock { $0.applied.allSatisfy { $0.sender == "honest" } })
    }

    @Test("a corrupt chunk: the app rejects its sender, which is asked nothing more; the sync completes from others")
    func corruptChunkRejectsSender() async throws {
        let snapshot = SyncSnapshot(height: 15, chunks: 8)
        let peers = FakeSyncPeers([
            "evil": .init(advertises: [snapshot], behaviour: .corrupt),
            "good1": .init(advertises: [snapshot], behaviour: .honest),
            "good2": .init(advertises: [snapshot], behaviour: .honest),
        ])
        let app = RestoringApp([snapshot])
        let result = try await run(peers, app: app, snapshots: [snapshot])
        #expect(result.snapshot == snapshot.snapshot)
        let log = app.log.withLock { $0 }
        #expect(log.applied.map(\.index) == Array(0..<8))
        #expect(!log.applied.contains { $0.sender == "evil" })
        // Chunk 0 goes to "evil" first (names break ties), so the app does see its garbage.
        #expect(!log.rejectedSenders.isEmpty)
        #expect(log.rejectedSenders.allSatisfy { $0 == "evil" })
    }

    @Test("a restored app whose hash is not the verified one: the snapshot is rejected and the next restored")
    func wrongAppHashRejectsSnapshot() async throws {
        let forged = SyncSnapshot(height: 30, chunks: 2, restoresTo: Bytes(repeating: 0xEE, count: 32))
        let honest = SyncSnapshot(height: 25, chunks: 2)
        let peers = FakeSyncPeers([
            "a": .init(advertises: [forged, honest], behaviour: .honest),
            "b": .init(advertises: [forged, honest], behaviour: .honest),
        ])
        let app = RestoringApp([forged, honest])
        let result = try await run(peers, app: app, snapshots: [forged, honest])
        #expect(result.snapshot == honest.snapshot)
        #expect(app.log.withLock { $0.offered } == [30, 25])
    }

    @Test("a chunk of another index than the one asked drops its sender; the sync completes from others")
    func wrongIndexDropsPeer() async throws {
        let snapshot = SyncSnapshot(height: 12, chunks: 6)
        let peers = FakeSyncPeers([
            "liar": .init(advertises: [snapshot], behaviour: .wrongIndex),
            "good": .init(advertises: [snapshot], behaviour: .honest),
        ])
        let app = RestoringApp([snapshot])
        let result = try await run(peers, app: app, snapshots: [snapshot], options: .test(chunkTimeout: 300))
        #expect(result.snapshot == snapshot.snapshot)
        #expect(peers.record.withLock { $0.disconnected }.contains("liar"))
        #expect(app.log.withLock { $0.applied.allSatisfy { $0.sender == "good" } })
    }
}
