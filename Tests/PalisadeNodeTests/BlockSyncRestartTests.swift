import Foundation
import PalisadeConsensus
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeStorage
import Testing

/// Block sync writes the WAL's end-of-height marker once, when it hands over to consensus, not
/// after every synced block (an fsync each). These crash a syncing node and check what that
/// relies on: a restart with markers missing for synced heights starts cleanly from the store,
/// and consensus after a sync always begins behind the marker of the last synced height, so a
/// restart replays that height's inputs rather than dropping them.
@Suite("Block sync and the WAL: restarts around the markers block sync writes once")
struct BlockSyncRestartTests {
    /// Node 3 syncs part of the chain (the rest is withheld), crashes with a fresh app (the
    /// handshake replays every synced block), restarts, finishes the sync and signs again.
    @Test("a node crashed mid-sync, with markers missing for the synced heights, restarts and finishes")
    func crashMidSync() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        await cluster.crash(3)
        let ahead = cluster.members[0].store.latestHeight + 30
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
        let withheldFrom = ahead - 12
        for peer in ["node0", "node1", "node2"] {
            cluster.network.drop.withLock {
                $0[peer] = { to, channel, bytes in
                    guard to == "node3", channel == NodeChannel.blockSync,
                          case let .chunk(height, _, _, _, _, _)? = try? BlockSyncMessage(decoding: bytes) else { return false }
                    return height >= withheldFrom
                }
            }
        }
        try await cluster.start(3)
        #expect(await cluster.waitForHeight(withheldFrom - 1, members: [3]))
        await cluster.crash(3, freshApp: true)
        #expect(cluster.members[3].store.latestHeight == withheldFrom - 1)
        cluster.network.drop.withLock { $0 = [:] }
        try await cluster.start(3)
        let target = cluster.members[0].store.latestHeight + 3
        let reached = await cluster.waitForHeight(target)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        try Self.expectEveryLoggedHeightReplays(cluster.members[3].directory + "/cs.wal")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// Node 3 syncs, returns to consensus and votes; its WAL must cut cleanly at every height it
    /// started in consensus. Without the marker written when the sync ends, the first consensus
    /// height after it follows the marker of the height before the sync, and replaying it fails
    /// (the store's next height has no marker before it), which `boot` would answer by closing
    /// the height and dropping its logged votes.
    @Test("consensus after a sync begins behind the marker of the last synced height")
    func consensusAfterSyncBeginsBehindAMarker() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        await cluster.crash(3)
        let ahead = cluster.members[0].store.latestHeight + 15
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
        try await cluster.start(3)
        let reached = await cluster.waitForHeight(ahead + 3)
        let synced = await cluster.members[3].driver?.snapshot().counters.catchUpBlocks ?? 0
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        #expect(synced >= 10)
        try Self.expectEveryLoggedHeightReplays(cluster.members[3].directory + "/cs.wal")
        cluster.removeFiles()
    }

    /// Every height the log holds a `startHeight` for can be replayed, and its replay begins with
    /// that height's own start (not an older height's inputs).
    static func expectEveryLoggedHeightReplays(_ path: String) throws {
        let wal = try ConsensusWAL(path: path)
        defer { wal.close() }
        let entries = try wal.readAll()
        let started = entries.compactMap { entry -> Int64? in
            if case .input(.startHeight(let start)) = entry { start.height } else { nil }
        }
        #expect(!started.isEmpty)
        for height in Set(started).sorted() where height > started[0] {
            let slice: [WALEntry]
            do { slice = try ConsensusWAL.replaySlice(of: entries, forHeight: height, path: path) } catch {
                Issue.record("height \(height): \(error)")
                continue
            }
            let first = slice.lazy.compactMap { entry -> Int64? in
                if case .input(.startHeight(let start)) = entry { start.height } else { nil }
            }.first
            #expect(first == height, "replaying height \(height) begins at \(first.map(String.init) ?? "nothing")")
        }
    }
}
