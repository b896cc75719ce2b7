import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Consensus driver: validators in one process")
struct ConsensusDriverTests {
    @Test("four validators commit the same blocks, transactions included")
    func fourValidatorsAgree() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        for index in 0..<10 {
            let outcome = await cluster.members[index % 4].mempool?.checkTx(Array("key\(index)=value\(index)".utf8))
            #expect(outcome?.isAccepted == true)
        }
        let reached = await cluster.waitForHeight(8)
        await cluster.stopAll()
        #expect(reached)
        var committedTxs = 0
        for height in Int64(1)...8 {
            let ids = try cluster.members.map { try $0.store.block(at: height)?.blockID }
            #expect(ids.allSatisfy { $0 != nil && $0 == ids[0] }, "height \(height)")
            committedTxs += try cluster.members[0].store.block(at: height)?.data.txs.count ?? 0
        }
        #expect(committedTxs == 10)
        #expect(cluster.network.disconnects.withLock { $0 }.isEmpty)
    }

    @Test("a crashed validator restarts from its WAL and catches up with decided blocks")
    func crashAndCatchUp() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        await cluster.crash(3)
        let before = cluster.members[3].store.latestHeight
        #expect(await cluster.waitForHeight(before + 5, members: [0, 1, 2]))
        try await cluster.start(3)
        let target = cluster.members[0].store.latestHeight + 3
        let reached = await cluster.waitForHeight(target)
        await cluster.stopAll()
        #expect(reached)
        for height in Int64(1)...target {
            let ids = try cluster.members.map { try $0.store.block(at: height)?.blockID }
            #expect(ids.allSatisfy { $0 == ids[0] }, "height \(height)")
        }
    }
}
