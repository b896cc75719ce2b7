import PalisadeState
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: bootstrapped mid-chain by state sync")
struct BlockStoreBootstrapTests {
    @Test("after bootstrap at H the next block is H+1, the base; heights up to H are not stored")
    func bootstrapThenBlocks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var workload = try BlockStoreWorkload(txsPerBlock: 2, txSize: 40)
        let heights = try (0..<12).map { _ in try workload.next() }
        let synced = heights[9]
        let store = try BlockStore(path: directory.file("blockstore.db"))
        try store.bootstrap(state: synced.state, commit: synced.seenCommit)
        #expect(try store.latestState() == synced.state)
        #expect(try store.seenCommit(at: 10) == synced.seenCommit)
        #expect(try store.validators(at: 10) != nil && store.validators(at: 11) != nil)
        #expect(try store.baseHeight() == 0)

        try store.save(heights[10])
        try store.save(heights[11])
        #expect(try store.baseHeight() == 11)
        #expect(try store.latestHeight() == 12)
        #expect(try store.block(at: 10) == nil)
        #expect(try store.commit(at: 10)?.isCanonical == true)
        #expect(try store.latestState() == heights[11].state)
    }

    @Test("refused with a commit of another block, or once the store holds blocks")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var workload = try BlockStoreWorkload(txsPerBlock: 1, txSize: 40)
        let heights = try (0..<3).map { _ in try workload.next() }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        #expect(throws: BlockStoreError.self) { try store.bootstrap(state: heights[1].state, commit: heights[0].seenCommit) }
        try store.bootstrap(state: heights[0].state, commit: heights[0].seenCommit)
        try store.save(heights[1])
        #expect(throws: BlockStoreError.self) { try store.bootstrap(state: heights[1].state, commit: heights[1].seenCommit) }
    }
}
