import Foundation
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

/// `[consensus] create_empty_blocks`, `create_empty_blocks_interval` and `skip_timeout_commit`,
/// run by four validators in one process.
@Suite("Block production: empty blocks and timeout_commit")
struct BlockProductionTests {
    @Test("the policy: a height waits only with waiting on, no proof block due and no transaction", arguments: [
        (BlockProduction(), false, false, true),
        (BlockProduction(createEmptyBlocks: false), false, false, false),
        (BlockProduction(createEmptyBlocks: false), true, false, true),
        (BlockProduction(createEmptyBlocks: false), false, true, true),
        (BlockProduction(createEmptyBlocksInterval: 1_000), false, false, false),
    ])
    func policy(production: BlockProduction, proofNeeded: Bool, hasTxs: Bool, begins: Bool) {
        #expect(production.beginsAtOnce(proofBlockNeeded: proofNeeded, mempoolHasTxs: hasTxs) == begins)
    }

    @Test("config: [consensus] keys become the driver's policy")
    func fromConfig() throws {
        let text = "[consensus]\ncreate_empty_blocks = false\ncreate_empty_blocks_interval = \"30s\"\nskip_timeout_commit = true\n"
        let production = try parseConfig(text).0.consensus.blockProduction
        #expect(production == BlockProduction(createEmptyBlocks: false, createEmptyBlocksInterval: 30_000,
                                              skipTimeoutCommit: true))
    }

    /// Heights every member has stored, and the height each core is at.
    static func heights(_ cluster: InProcessCluster) async -> (stored: [Int64], core: [Int64]) {
        var core: [Int64] = []
        for member in cluster.members { core.append(await member.driver?.snapshot().height ?? -1) }
        return (cluster.members.map(\.store.latestHeight), core)
    }

    /// Lets the cluster run for as long as it takes to commit `blocks` blocks with empty blocks on
    /// (timeout_commit 10 ms): a period in which an idle chain that made empty blocks would move.
    static func idle(blocks: Int) async {
        try? await Task.sleep(for: .milliseconds(100 * blocks))
    }

    /// Height 1 is a proof block (the first height), so it is made without transactions; height 2
    /// then waits. A transaction is committed at once; the height after it is a proof block again
    /// (its app hash changed), and then the chain waits again.
    @Test("create_empty_blocks = false: no height while idle; a transaction is committed, then one proof block")
    func noEmptyBlocks() async throws {
        let cluster = try InProcessCluster(validators: 4)
        cluster.production = BlockProduction(createEmptyBlocks: false)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(1))
        await Self.idle(blocks: 15)
        let idle = await Self.heights(cluster)
        #expect(idle.stored == [1, 1, 1, 1], "\(idle)")
        #expect(idle.core == [1, 1, 1, 1], "\(idle)")

        // As the mempool reactor would spread it: every member's mempool gets the transaction.
        let tx = Array("idle=over".utf8)
        for member in cluster.members { #expect(await member.mempool?.checkTx(tx).isAccepted == true) }
        let committed = await cluster.waitForHeight(3)
        await Self.idle(blocks: 15)
        let after = await Self.heights(cluster)
        let block2 = try cluster.members[0].store.block(at: 2)
        let block3 = try cluster.members[0].store.block(at: 3)
        await cluster.stopAll()
        #expect(committed)
        #expect(block2?.data.txs == [tx])
        #expect(block3?.data.txs.isEmpty == true)
        #expect(block3?.header.appHash != block2?.header.appHash)
        #expect(after.stored == [3, 3, 3, 3], "\(after)")
    }

    @Test("create_empty_blocks = false with an interval: empty blocks come at the interval")
    func interval() async throws {
        let cluster = try InProcessCluster(validators: 4)
        cluster.production = BlockProduction(createEmptyBlocks: false, createEmptyBlocksInterval: 200)
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(4)
        await cluster.stopAll()
        #expect(reached)
    }

    /// With timeout_commit at ten minutes only skip_timeout_commit can move the chain: all four
    /// validators are up, so every commit holds all precommits.
    @Test("skip_timeout_commit: the next height begins once every precommit is in")
    func skipTimeoutCommit() async throws {
        let cluster = try InProcessCluster(validators: 4)
        cluster.timeouts.timeoutCommit = 600_000
        cluster.production = BlockProduction(skipTimeoutCommit: true)
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(4, seconds: 60)
        await cluster.stopAll()
        #expect(reached)
    }
}
