import Testing
import PalisadeABCI
@testable import PalisadeIndexer

@Suite("IndexerService: background indexing and catch-up")
struct IndexerServiceTests {
    @Test("submitted blocks are indexed in order; an already indexed height is skipped")
    func inOrder() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        let service = try await IndexerService(index: f.index, source: nil)
        for height in Int64(1)...5 { #expect(service.submit(numberedBlock(height))) }
        #expect(service.submit(numberedBlock(3, txs: 2)), "a stale resubmission is accepted and ignored")
        service.finish()
        await service.run()
        #expect(await service.indexedHeight == 5)
        #expect(await service.lastError == nil)
        #expect(try await f.index.searchTxs(EventQuery("tx.height = 3")).totalCount == 1)
    }

    @Test("a gap left by a dropped block is filled from the source when the next block arrives")
    func gapFill() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        let source = DictionarySource(blocks: [3: numberedBlock(3), 4: numberedBlock(4)])
        let service = try await IndexerService(index: f.index, source: source)
        for height: Int64 in [1, 2, 5] { service.submit(numberedBlock(height)) }
        service.finish()
        await service.run()
        #expect(await service.indexedHeight == 5)
        #expect(try await f.index.searchTxs(EventQuery("tx.height > 0")).items.map(\.height) == [1, 2, 3, 4, 5])
    }

    @Test("a full queue drops without waiting; catch-up indexes what was dropped")
    func fullQueue() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        let source = DictionarySource(blocks: [1: numberedBlock(1), 2: numberedBlock(2), 3: numberedBlock(3)])
        let service = try await IndexerService(index: f.index, source: source, queueCapacity: 1)
        #expect(service.submit(numberedBlock(1)))
        #expect(!service.submit(numberedBlock(2)))
        service.finish()
        await service.run()
        #expect(await service.indexedHeight == 1)
        try await service.catchUp(to: 3)
        #expect(await service.indexedHeight == 3)
    }

    @Test("after a restart the service resumes from the last indexed height")
    func restart() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        for height in Int64(1)...3 { try await f.index.index(numberedBlock(height)) }

        var blocks: [Int64: IndexBlock] = [:]
        for height in Int64(1)...6 { blocks[height] = numberedBlock(height, txs: 2) }
        let reopened = try f.reopen()
        let service = try await IndexerService(index: reopened, source: DictionarySource(blocks: blocks))
        #expect(await service.indexedHeight == 3)
        try await service.catchUp(to: 6)
        #expect(await service.indexedHeight == 6)
        #expect(try await reopened.searchTxs(EventQuery("tx.height <= 3")).totalCount == 3, "heights 1-3 were not redone")
        #expect(try await reopened.searchTxs(EventQuery("tx.height > 3")).totalCount == 6)
        await #expect(throws: IndexerError.missingBlock(height: 7)) { try await service.catchUp(to: 8) }
        #expect(await service.indexedHeight == 6)
    }
}
