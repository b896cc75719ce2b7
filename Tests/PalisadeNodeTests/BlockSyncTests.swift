import Foundation
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Block sync: a validator that is behind catches up, whatever the block size")
struct BlockSyncTests {
    /// A validator is down while the others commit, including a 2.7 MB block (more than the
    /// loopback's message limit, as a 5.5 MB block is more than the switch's 4 MiB, which the old
    /// one-message catch-up could never send). It block-syncs (catching up reported while it
    /// does), returns to consensus, and signs again.
    @Test("a validator down while a block above the message limit is committed block-syncs past it and votes again")
    func catchUpPastALargeBlock() async throws {
        let cluster = try InProcessCluster(validators: 4)
        // A multi-megabyte block takes a debug build on a busy machine longer than the usual
        // 400 ms to build, send and check.
        cluster.timeouts.timeoutPropose = 3_000
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        await cluster.crash(3)
        // With node 2 down too the other two cannot commit, so all six transactions wait in their
        // mempools and the next block takes them all.
        await cluster.crash(2)
        for index in 0..<3 {
            let tx = Array("big\(index)=".utf8) + Array(repeating: UInt8(ascii: "x"), count: 900_000)
            for member in [0, 1] { #expect(await cluster.members[member].mempool?.checkTx(tx).isAccepted == true) }
        }
        try await cluster.start(2)
        let ahead = cluster.members[0].store.latestHeight + 12
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2], seconds: 180))
        let sizes = try (1...ahead).compactMap { try cluster.members[0].store.block(at: $0)?.protobuf.count }
        #expect((sizes.max() ?? 0) > LoopbackNetwork.maxMessageBytes, "largest block \(sizes.max() ?? 0) bytes")
        try await cluster.start(3)
        var sawCatchingUp = false
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, cluster.members[3].store.latestHeight < ahead {
            if await cluster.members[3].driver?.isCatchingUp() == true { sawCatchingUp = true }
            try await Task.sleep(for: .milliseconds(10))
        }
        let target = cluster.members.map { $0.store.latestHeight }.max() ?? 0
        let reached = await cluster.waitForHeight(target + 3)
        let signedAgain = cluster.members[3].store.latestHeight > target
            ? try cluster.members[0].store.block(at: target + 3)?.lastCommit?.signatures.count ?? 0 : 0
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        #expect(sawCatchingUp)
        #expect(signedAgain == 4)
        #expect(cluster.network.oversized.withLock { $0 }.isEmpty, "\(cluster.network.oversized.withLock { $0 })")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// One of the three peers serves blocks with a changed transaction (so the commit it shows
    /// no longer matches): it is disconnected, and the sync completes from the other two.
    @Test("a peer serving forged blocks is dropped and sync completes from the others")
    func forgedBlocksFromOnePeer() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        for index in 0..<20 {
            _ = await cluster.mempoolCheck(member: index % 3, tx: "k\(index)=v\(index)")
        }
        #expect(await cluster.waitForHeight(2))
        await cluster.crash(3)
        let ahead = cluster.members[0].store.latestHeight + 20
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
        cluster.network.tamper.withLock {
            $0["node0"] = { channel, bytes in
                guard channel == NodeChannel.blockSync,
                      case let .chunk(height, index, total, data, commit, extended)? = try? BlockSyncMessage(decoding: bytes),
                      var block = try? Block(protobuf: data), total == 1 else { return bytes }
                block.data = BlockData(txs: block.data.txs + [Array("forged=1".utf8)])
                return BlockSyncMessage.chunk(height: height, index: index, total: total, data: block.protobuf,
                                              commit: commit, extendedCommit: extended).encoded()
            }
        }
        try await cluster.start(3)
        let reached = await cluster.waitForHeight(ahead + 2)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        let dropped = cluster.network.disconnects.withLock { $0 }
        #expect(dropped.contains { $0.hasPrefix("node3->node0") && $0.contains("block sync") }, "\(dropped)")
        #expect(!dropped.contains { $0.hasPrefix("node3->node1") || $0.hasPrefix("node3->node2") }, "\(dropped)")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// A peer that goes silent and then disconnects while it owes blocks: the heights it held go
    /// to the other peers as soon as it is gone. The request timeout is set far beyond the test's
    /// patience, so only the disconnect can move them (without it the sync waits out the timeout).
    @Test("a peer that disconnects mid-sync hands its in-flight heights to the others at once")
    func peerDisconnectsMidSync() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        await cluster.crash(3)
        let ahead = cluster.members[0].store.latestHeight + 20
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
        // node0 keeps reporting its height but never delivers a block to node3.
        cluster.network.drop.withLock { $0["node0"] = { to, channel, _ in to == "node3" && channel == NodeChannel.blockSync } }
        var limits = BlockSyncPool.Limits()
        limits.requestTimeout = 3_600_000
        cluster.syncLimits = limits
        try await cluster.start(3)
        var owed = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, owed == 0 {
            owed = await cluster.members[3].driver?.sync.inFlight(to: "node0") ?? 0
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(owed > 0, "node3 never asked node0 for a block")
        let stuckAt = cluster.members[3].store.latestHeight
        await cluster.crash(0)
        let reached = await cluster.waitForHeight(ahead, members: [3])
        await cluster.stopAll(removeFiles: false)
        #expect(stuckAt < ahead)
        #expect(reached, "node3 at \(cluster.members[3].store.latestHeight), peers at \(ahead)")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// A node whose key is not in the genesis joins a running chain at height 1: it block-syncs,
    /// then follows consensus, and never signs.
    @Test("a full node joins from height 1, block-syncs, then follows consensus without signing")
    func fullNodeJoins() async throws {
        let cluster = try InProcessCluster(validators: 4, fullNodes: 1)
        for index in 0..<4 { try await cluster.start(index) }
        #expect(await cluster.waitForHeight(15, members: [0, 1, 2, 3]))
        try await cluster.start(4)
        let target = cluster.members[0].store.latestHeight + 5
        let reached = await cluster.waitForHeight(target)
        let synced = await cluster.members[4].driver?.snapshot().counters.catchUpBlocks ?? 0
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        #expect(synced >= 15)
        let fullNode = cluster.members[4].key.publicKey.address
        for height in Int64(2)...target {
            let signers = try cluster.members[0].store.block(at: height)?.lastCommit?.signatures.map(\.validatorAddress)
            #expect(signers?.contains(fullNode) == false)
        }
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }
}
