import Testing
import PalisadeABCI
@testable import PalisadeIndexer

@Suite("EventIndex: indexing and tx_search")
struct EventIndexSearchTests {
    /// Three blocks whose transactions exercise each operator.
    func populated() async throws -> IndexFixture {
        let f = try IndexFixture()
        try await f.index.index(IndexBlock(height: 1, txs: [
            tx("a", index: 0, events: [transfer("alice", amount: "5stake", memo: "hello", indexMemo: false),
                                       Event(type: "order", attributes: [
                                           EventAttribute(key: "at", value: "2021-06-01T10:00:00Z"),
                                           EventAttribute(key: "day", value: "2021-06-01")])]),
            tx("b", index: 1, events: [transfer("bob", amount: "10")]),
        ], blockEvents: []))
        try await f.index.index(IndexBlock(height: 2, txs: [
            tx("c", index: 0, events: [transfer("alice", amount: "7.5", memo: "rent", indexMemo: true),
                                       transfer("carol", amount: "100")]),
        ], blockEvents: []))
        try await f.index.index(IndexBlock(height: 3, txs: [
            tx("d", index: 0, code: 7, events: [Event(type: "order", attributes: [
                EventAttribute(key: "at", value: "2022-01-01T00:00:00+01:00"),
                EventAttribute(key: "day", value: "2022-01-01")])]),
        ], blockEvents: []))
        return f
    }

    func found(_ f: IndexFixture, _ query: String) async throws -> [String] {
        try await f.index.searchTxs(EventQuery(query)).items.map { String(decoding: $0.tx, as: UTF8.self) }
    }

    @Test("tx(hash:) returns the whole result, hash in either case")
    func byHash() async throws {
        let f = try await populated()
        defer { f.remove() }
        let record = try #require(try await f.index.tx(hash: hashOf("c")))
        #expect(record.height == 2 && record.index == 0 && record.tx == Array("c".utf8))
        #expect(record.hash == hashOf("c"))
        #expect(record.result.log == "log of c")
        #expect(record.result.events.count == 2, "events are kept whole, indexed or not")
        #expect(try await f.index.tx(hash: hashOf("nope")) == nil)
        #expect(try await found(f, "tx.hash = '\(hashOf("b").hex)'") == ["b"])
    }

    @Test("= on strings and numbers, and reserved keys")
    func equality() async throws {
        let f = try await populated()
        defer { f.remove() }
        #expect(try await found(f, "transfer.sender = 'alice'") == ["a", "c"])
        #expect(try await found(f, "transfer.amount = 5") == ["a"], "5stake reads as 5")
        #expect(try await found(f, "transfer.amount = 7.50") == ["c"])
        #expect(try await found(f, "tx.height = 2") == ["c"])
        #expect(try await found(f, "tm.event = 'Tx' AND tx.height = 3") == ["d"])
        #expect(try await found(f, "tm.event = 'NewBlock'") == [])
        #expect(try await found(f, "transfer.sender = 'nobody'") == [])
    }

    @Test("<, <=, >, >= compare numbers, instants and days")
    func ordering() async throws {
        let f = try await populated()
        defer { f.remove() }
        #expect(try await found(f, "transfer.amount > 7.5") == ["b", "c"], "10 and 100, not 7.5")
        #expect(try await found(f, "transfer.amount >= 7.5") == ["b", "c"])
        #expect(try await found(f, "transfer.amount < 7.5") == ["a"])
        #expect(try await found(f, "transfer.amount <= 10") == ["a", "b", "c"])
        #expect(try await found(f, "tx.height > 1 AND tx.height <= 3") == ["c", "d"])
        #expect(try await found(f, "tx.height < 1.5") == ["a", "b"])
        #expect(try await found(f, "order.at > TIME 2021-06-01T10:00:00Z") == ["d"])
        #expect(try await found(f, "order.at <= TIME 2021-06-01T12:00:00+02:00") == ["a"])
        #expect(try await found(f, "order.at = TIME 2021-12-31T23:00:00Z") == ["d"], "offsets are normalised")
        #expect(try await found(f, "order.day >= DATE 2021-06-01") == ["a", "d"])
        #expect(try await found(f, "order.day < DATE 2022-01-01") == ["a"])
        #expect(try await found(f, "transfer.sender > 1") == [], "words are not numbers")
    }

    @Test("CONTAINS and EXISTS")
    func containsAndExists() async throws {
        let f = try await populated()
        defer { f.remove() }
        #expect(try await found(f, "transfer.sender CONTAINS 'o'") == ["b", "c"])
        #expect(try await found(f, "transfer.sender CONTAINS 'ALICE'") == [], "case-sensitive")
        #expect(try await found(f, "order.at EXISTS") == ["a", "d"])
        #expect(try await found(f, "transfer.sender EXISTS AND tx.height >= 2") == ["c"])
    }

    @Test("attributes with index: false are stored but not searchable")
    func notIndexed() async throws {
        let f = try await populated()
        defer { f.remove() }
        #expect(try await found(f, "transfer.memo = 'hello'") == [])
        #expect(try await found(f, "transfer.memo EXISTS") == ["c"])
        #expect(try await found(f, "transfer.memo = 'rent'") == ["c"])
    }

    @Test("AND holds conditions on one event type to one event; different types may use different events")
    func conjunction() async throws {
        let f = try await populated()
        defer { f.remove() }
        #expect(try await found(f, "transfer.sender = 'alice' AND transfer.amount = 7.5") == ["c"])
        #expect(try await found(f, "transfer.sender = 'alice' AND transfer.amount = 100") == [],
                "carol sent 100 in the same tx, but in another event")
        #expect(try await found(f, "transfer.sender = 'carol' AND transfer.amount = 100") == ["c"])
        #expect(try await found(f, "transfer.sender = 'alice' AND order.day EXISTS") == ["a"])
        #expect(try await found(f, "transfer.sender = 'alice' AND tx.height = 2 AND transfer.memo CONTAINS 'en'") == ["c"])
    }

    @Test("order_by desc reverses height and position")
    func ordering_desc() async throws {
        let f = try await populated()
        defer { f.remove() }
        let page = try await f.index.searchTxs(EventQuery("tx.height >= 1"), orderBy: .descending)
        #expect(page.items.map { String(decoding: $0.tx, as: UTF8.self) } == ["d", "c", "b", "a"])
        #expect(try SearchOrder(rpcValue: "") == .ascending)
        #expect(try SearchOrder(rpcValue: "desc") == .descending)
        #expect(throws: IndexerError.invalidOrderBy("up")) { try SearchOrder(rpcValue: "up") }
        #expect(IndexerError.invalidOrderBy("up").description == "expected order_by to be either `asc` or `desc` or empty")
    }

    @Test("re-indexing a height replaces it; a success is not replaced by a failed replay")
    func reindex() async throws {
        let f = try await populated()
        defer { f.remove() }
        try await f.index.index(IndexBlock(height: 2, txs: [tx("e", events: [transfer("erin", amount: "1")])], blockEvents: []))
        #expect(try await found(f, "tx.height = 2") == ["e"])
        #expect(try await found(f, "transfer.sender = 'carol'") == [], "the old events went with the old rows")
        try await f.index.index(IndexBlock(height: 4, txs: [tx("a", code: 5)], blockEvents: []))
        #expect(try await f.index.tx(hash: hashOf("a"))?.height == 1)
        try await f.index.index(IndexBlock(height: 5, txs: [tx("d", code: 0)], blockEvents: []))
        #expect(try await f.index.tx(hash: hashOf("d"))?.height == 5, "a failure is replaced by a later success")
        #expect(try await f.index.indexedHeight() == 5)
    }

    @Test("pairing a block's transactions with its FinalizeBlock results")
    func pairing() throws {
        let response = FinalizeBlockResponse(events: [Event(type: "x")], txResults: [TxResult(code: 1)], appHash: [])
        let block = try IndexBlock(height: 9, txs: [[1, 2]], response: response)
        #expect(block.txs == [IndexedTx(tx: [1, 2], index: 0, result: TxResult(code: 1))])
        #expect(block.blockEvents == [Event(type: "x")])
        #expect(throws: IndexerError.resultCountMismatch(height: 9, txs: 2, results: 1)) {
            try IndexBlock(height: 9, txs: [[1], [2]], response: response)
        }
    }
}
