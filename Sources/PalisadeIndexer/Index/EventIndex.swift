import Foundation
import GRDB
import PalisadeABCI

/// Transactions and block events in their own SQLite file (`data/tx_index.db`), searched with
/// CometBFT's query language. Separate from the block store so indexing can lag, be rebuilt or
/// be deleted without touching consensus state.
///
/// WAL mode: searches read a snapshot while the indexer writes. Every search runs under a time
/// budget and fails with `IndexerError.timedOut` past it.
public final class EventIndex: Sendable {
    private let pool: DatabasePool
    /// The default budget of one search.
    public let queryBudget: Duration

    static let reservedTxKeys: Set<String> = ["tx.height", "tx.hash"]
    static let reservedBlockKeys: Set<String> = ["block.height"]

    /// Opens (creating if needed) the index at `path`.
    public init(path: String, queryBudget: Duration = .seconds(10)) throws(IndexerError) {
        var config = Configuration()
        config.journalMode = .wal
        config.prepareDatabase { db in db.add(function: QuerySQL.compareFunction) }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try IndexSchema.migrator.migrate(pool)
        } catch {
            throw .database("\(path): \(error)")
        }
        self.queryBudget = queryBudget
    }

    // MARK: Writing

    /// Indexes one committed block in one transaction: its transactions by hash and position, the
    /// attributes marked `index: true` of their events and of the block's events. Indexing a
    /// height again replaces what was there. A transaction already indexed under its hash (the
    /// same bytes in an earlier block) is replaced, except that a success is never replaced by a
    /// failure (CometBFT's rule, so a rejected replay cannot hide the real result).
    public func index(_ block: IndexBlock) async throws(IndexerError) {
        try await mapErrors {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM txs WHERE height = ?", arguments: [block.height])
                try db.execute(sql: "DELETE FROM blocks WHERE height = ?", arguments: [block.height])
                try db.execute(sql: "INSERT INTO blocks (height) VALUES (?)", arguments: [block.height])
                for attribute in IndexSchema.indexedAttributes(block.blockEvents, reserved: Self.reservedBlockKeys) {
                    try db.execute(sql: "INSERT INTO block_events (height, seq, key, value) VALUES (?, ?, ?, ?)",
                                   arguments: [block.height, attribute.seq, attribute.key, attribute.value])
                }
                for tx in block.txs { try Self.insert(tx, height: block.height, db) }
            }
        }
    }

    /// Each statement is compiled once per connection (`cachedStatement`): a block of a thousand
    /// transactions runs these a few thousand times, and compiling each one again was most of
    /// the time a block took to index.
    private static func insert(_ tx: IndexedTx, height: Int64, _ db: Database) throws {
        let hash = SHA256Hash.digest(tx.tx).upperHex
        if let previousCode = try Int64.fetchOne(db.cachedStatement(sql: "SELECT code FROM txs WHERE hash = ?"),
                                                 arguments: [hash]) {
            if previousCode == 0 && !tx.result.isOK { return }
            try db.cachedStatement(sql: "DELETE FROM txs WHERE hash = ?").execute(arguments: [hash])
        }
        try db.cachedStatement(sql: """
            INSERT INTO txs (hash, height, idx, code, tx, result) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [hash, height, Int64(tx.index), Int64(tx.result.code), Data(tx.tx),
                                     Data(StoredResult.encode(tx.result))])
        let id = db.lastInsertedRowID
        for attribute in IndexSchema.indexedAttributes(tx.result.events, reserved: reservedTxKeys) {
            try db.cachedStatement(sql: "INSERT INTO tx_events (tx_id, seq, key, value) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, attribute.seq, attribute.key, attribute.value])
        }
    }

    /// The highest height indexed, 0 when none is: where catch-up after a restart begins.
    public func indexedHeight() async throws(IndexerError) -> Int64 {
        try await mapErrors {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") ?? 0 }
        }
    }

    // MARK: Reading

    /// The transaction with this SHA-256 hash, or `nil`.
    public func tx(hash: Bytes) async throws(IndexerError) -> TxRecord? {
        try await mapErrors {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT hash, height, idx, tx, result FROM txs WHERE hash = ?",
                                 arguments: [hash.upperHex]).map(Self.record)
            }
        }
    }

    /// `tx_search`: the transactions matching `query`, ordered by height then position.
    public func searchTxs(_ query: EventQuery, pagination: Pagination = Pagination(), orderBy: SearchOrder = .ascending,
                          budget: Duration? = nil) async throws(IndexerError) -> SearchPage<TxRecord> {
        let sql = QuerySQL(query, target: .txs)
        let direction = orderBy == .ascending ? "ASC" : "DESC"
        return try await search(budget: budget) { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM txs t WHERE \(sql.clause)",
                                         arguments: sql.arguments) ?? 0
            let page = try pagination.validatedPage(totalCount: total)
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.hash, t.height, t.idx, t.tx, t.result FROM txs t WHERE \(sql.clause)
                ORDER BY t.height \(direction), t.idx \(direction) LIMIT ? OFFSET ?
                """, arguments: sql.arguments + [pagination.effectivePerPage, pagination.offset(page: page)])
            return SearchPage(totalCount: total, items: try rows.map(Self.record))
        }
    }

    /// `block_search`: the heights whose block events match `query`, ordered by height.
    public func searchBlocks(_ query: EventQuery, pagination: Pagination = Pagination(),
                             orderBy: SearchOrder = .ascending,
                             budget: Duration? = nil) async throws(IndexerError) -> SearchPage<Int64> {
        let sql = QuerySQL(query, target: .blocks)
        let direction = orderBy == .ascending ? "ASC" : "DESC"
        return try await search(budget: budget) { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks b WHERE \(sql.clause)",
                                         arguments: sql.arguments) ?? 0
            let page = try pagination.validatedPage(totalCount: total)
            let heights = try Int64.fetchAll(db, sql: """
                SELECT b.height FROM blocks b WHERE \(sql.clause) ORDER BY b.height \(direction) LIMIT ? OFFSET ?
                """, arguments: sql.arguments + [pagination.effectivePerPage, pagination.offset(page: page)])
            return SearchPage(totalCount: total, items: heights)
        }
    }

    private func search<T: Sendable>(budget: Duration?,
                                     _ body: @escaping @Sendable (Database) throws -> T) async throws(IndexerError) -> T {
        let budget = budget ?? queryBudget
        return try await mapErrors {
            try await pool.read { db in try QueryBudget.run(db, budget: budget) { try body(db) } }
        }
    }

    private static func record(_ row: Row) throws -> TxRecord {
        let hashText: String = row["hash"]
        guard let hash = Bytes(hex: hashText) else {
            throw IndexerError.corruptRecord(table: "txs", row: hashText, reason: "hash is not hex")
        }
        let index: Int64 = row["idx"]
        guard let position = UInt32(exactly: index) else {
            throw IndexerError.corruptRecord(table: "txs", row: hashText, reason: "idx \(index) out of range")
        }
        let tx: Data = row["tx"]
        let result: Data = row["result"]
        return TxRecord(hash: hash, height: row["height"], index: position, tx: Bytes(tx),
                        result: try StoredResult.decode(Bytes(result), hash: hashText))
    }

    /// SQLite's interrupt becomes `timedOut`; other database errors keep SQLite's text.
    private func mapErrors<T>(_ body: () async throws -> T) async throws(IndexerError) -> T {
        do {
            return try await body()
        } catch let error as IndexerError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw .timedOut
        } catch {
            throw .database("\(error)")
        }
    }
}
