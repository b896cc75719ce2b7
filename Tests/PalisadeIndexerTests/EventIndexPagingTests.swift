import Testing
import PalisadeABCI
@testable import PalisadeIndexer

@Suite("EventIndex: pagination, block_search, time budget")
struct EventIndexPagingTests {
    /// Heights 1...7, one transaction each.
    func sevenBlocks() async throws -> IndexFixture {
        let f = try IndexFixture()
        for height in Int64(1)...7 { try await f.index.index(numberedBlock(height)) }
        return f
    }

    func heights(_ page: SearchPage<TxRecord>) -> [Int64] { page.items.map(\.height) }

    @Test("pages of per_page results; total_count counts them all")
    func pages() async throws {
        let f = try await sevenBlocks()
        defer { f.remove() }
        let all = try EventQuery("tx.height > 0")
        let p1 = try await f.index.searchTxs(all, pagination: Pagination(page: 1, perPage: 3))
        let p3 = try await f.index.searchTxs(all, pagination: Pagination(page: 3, perPage: 3))
        let p2desc = try await f.index.searchTxs(all, pagination: Pagination(page: 2, perPage: 3), orderBy: .descending)
        #expect(p1.totalCount == 7 && heights(p1) == [1, 2, 3])
        #expect(p3.totalCount == 7 && heights(p3) == [7])
        #expect(heights(p2desc) == [4, 3, 2])
        #expect(heights(try await f.index.searchTxs(all)).count == 7, "page 1 of 30 by default")
    }

    @Test("a page outside [1, pages] is CometBFT's error; per_page is clamped to 1...100, 30 below 1")
    func pageEdges() async throws {
        let f = try await sevenBlocks()
        defer { f.remove() }
        let all = try EventQuery("tx.height > 0")
        await #expect(throws: IndexerError.pageOutOfRange(pages: 3, given: 4)) {
            try await f.index.searchTxs(all, pagination: Pagination(page: 4, perPage: 3))
        }
        await #expect(throws: IndexerError.pageOutOfRange(pages: 1, given: 0)) {
            try await f.index.searchTxs(all, pagination: Pagination(page: 0))
        }
        #expect(IndexerError.pageOutOfRange(pages: 3, given: 4).description == "page should be within [1, 3] range, given 4")
        let none = try EventQuery("tx.height > 100")
        #expect(try await f.index.searchTxs(none, pagination: Pagination(page: 1)).totalCount == 0, "one empty page exists")
        await #expect(throws: IndexerError.pageOutOfRange(pages: 1, given: 2)) {
            try await f.index.searchTxs(none, pagination: Pagination(page: 2))
        }
        #expect(Pagination(perPage: 0).effectivePerPage == 30)
        #expect(Pagination(perPage: -5).effectivePerPage == 30)
        #expect(Pagination(perPage: 1000).effectivePerPage == 100)
        #expect(Pagination(perPage: 100).effectivePerPage == 100)
        #expect(Pagination().effectivePerPage == 30)
        #expect(heights(try await f.index.searchTxs(all, pagination: Pagination(page: 7, perPage: 1))) == [7])
    }

    @Test("block_search: block events and block.height, only index: true")
    func blocks() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        for height in Int64(1)...4 {
            try await f.index.index(IndexBlock(height: height, txs: [], blockEvents: [
                Event(type: "rewards", attributes: [
                    EventAttribute(key: "amount", value: "\(height * 10)"),
                    EventAttribute(key: "secret", value: "s\(height)", index: false),
                ]),
                Event(type: "block", attributes: [EventAttribute(key: "height", value: "999")]),
            ]))
        }
        func found(_ q: String, _ order: SearchOrder = .ascending) async throws -> [Int64] {
            try await f.index.searchBlocks(EventQuery(q), orderBy: order).items
        }
        #expect(try await found("rewards.amount >= 20") == [2, 3, 4])
        #expect(try await found("rewards.amount >= 20 AND block.height < 4", .descending) == [3, 2])
        #expect(try await found("block.height = 2") == [2])
        #expect(try await found("tm.event = 'NewBlock' AND rewards.amount EXISTS") == [1, 2, 3, 4])
        #expect(try await found("rewards.secret EXISTS") == [])
        #expect(try await found("block.height = 999") == [], "an app's block.height never shadows the reserved key")
        let page = try await f.index.searchBlocks(EventQuery("rewards.amount > 0"), pagination: Pagination(page: 2, perPage: 3))
        #expect(page == SearchPage(totalCount: 4, items: [4]))
    }

    @Test("a query past its time budget stops with 'timed out', and the index still serves the next one")
    func budget() async throws {
        let f = try IndexFixture()
        defer { f.remove() }
        for height in Int64(1)...20 { try await f.index.index(numberedBlock(height, txs: 20)) }
        let heavy = try EventQuery("transfer.sender CONTAINS 'sender' AND transfer.amount >= 0")
        await #expect(throws: IndexerError.timedOut) {
            try await f.index.searchTxs(heavy, budget: .zero)
        }
        #expect(IndexerError.timedOut.description == "timed out")
        let page = try await f.index.searchTxs(heavy, pagination: Pagination(perPage: 5))
        #expect(page.totalCount == 400 && page.items.count == 5)
    }
}
