import Foundation
import GRDB
import PalisadeCrypto
import PalisadeState
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: pruning below the retain height")
struct BlockStorePruningTests {
    struct Stop: Error {}

    /// The latest state with the evidence window shortened: evidence from h is expired at the
    /// latest height when it is more than `blocks` heights and `seconds` seconds older.
    static func state(_ saved: [BlockStoreWorkload.Height], evidenceBlocks: Int64 = 100_000,
                      evidenceSeconds: Int64 = 48 * 3600) throws -> ChainState {
        var state = try #require(saved.last).state
        state.consensusParams.evidence.maxAgeNumBlocks = evidenceBlocks
        state.consensusParams.evidence.maxAgeDurationNanos = evidenceSeconds * 1_000_000_000
        return state
    }

    /// Rows of `table` below `height`, read directly.
    static func rows(_ store: BlockStore, _ table: String, below height: Int64) throws -> Int {
        try store.read("count") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE height < ?", arguments: [height]) ?? 0
        }
    }

    /// Saves the initial state and `heights` workload heights into an empty store.
    static func fill(_ store: BlockStore, heights: Int, txs: Int = 3,
                     txSize: Int = 40) throws -> [BlockStoreWorkload.Height] {
        var workload = try BlockStoreWorkload(txsPerBlock: txs, txSize: txSize)
        try store.saveInitialState(workload.initialState)
        return try (0..<heights).map { _ in
            let height = try workload.next()
            try store.save(height)
            return height
        }
    }

    static let perHeightTables = ["blocks", "seen_commits", "canonical_commits", "finalize_block_responses",
                                  "tx_hashes", "consensus_params"]

    @Test func everythingOfAPrunedHeightGoesAndTheBaseMoves() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(30, in: directory)
        #expect(try store.baseHeight() == 1)
        let outcome = try store.prune(retainHeight: 21, state: try Self.state(saved))
        #expect(outcome == BlockStore.PruneOutcome(base: 21, pruned: 20, incomplete: false))
        #expect(try store.baseHeight() == 21)
        #expect(try store.latestHeight() == 30)
        for table in Self.perHeightTables {
            #expect(try Self.rows(store, table, below: 21) == 0, "\(table) below 21")
        }
        #expect(try store.block(at: 20) == nil)
        #expect(try store.blockMeta(at: 20) == nil)
        #expect(try store.commit(at: 20) == nil)
        #expect(try store.finalizeBlockResponse(at: 20) == nil)
        #expect(try store.consensusParams(at: 20) == nil)
        #expect(try store.block(hash: saved[19].blockID.hash) == nil)
        #expect(try store.txLocation(hash: SHA256Hash.digest(saved[19].block.data.txs[0])) == nil)
        // What is retained is whole.
        #expect(try store.block(at: 21) == saved[20].block)
        #expect(try store.commit(at: 21)?.commit == saved[21].block.lastCommit)
        #expect(try store.txLocation(hash: SHA256Hash.digest(saved[20].block.data.txs[0])) == TxLocation(height: 21, index: 0))
        #expect(try store.latestState() == saved[29].state)
        // The same retain height again, or a lower one, does nothing.
        #expect(try store.prune(retainHeight: 21, state: try Self.state(saved)).pruned == 0)
        #expect(try store.prune(retainHeight: 5, state: try Self.state(saved)).pruned == 0)
    }

    @Test func refusedRetainHeightsDeleteNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(5, in: directory)
        for height: Int64 in [0, -3, 6] {
            #expect(throws: BlockStoreError.self) { try store.prune(retainHeight: height, state: try Self.state(saved)) }
        }
        #expect(try store.baseHeight() == 1)
        // The latest height is a valid retain height (retain_blocks = 1).
        #expect(try store.prune(retainHeight: 5, state: try Self.state(saved)).base == 5)
        #expect(try store.latestState() == saved[4].state)
    }

    /// `palisade rollback` needs block n-1: at the base it refuses, naming the pruning.
    @Test func rollbackStopsAtTheBase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(10, in: directory)
        try store.prune(retainHeight: 9, state: try Self.state(saved))
        #expect(try store.rollbackLatestHeight() == saved[8].state)
        do {
            _ = try store.rollbackLatestHeight()
            Issue.record("rolled back below the base")
        } catch {
            #expect(error.kind == .invalidArgument)
            #expect(error.reason.contains("block 8 is not in this store (pruned"), "\(error)")
        }
        #expect(try store.latestState() == saved[8].state)
    }

    @Test func eachCallDeletesAtMostItsBatches() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(30, in: directory)
        let state = try Self.state(saved)
        var bases: [Int64] = []
        let first = try store.prune(retainHeight: 26, state: state, batchHeights: 10) { bases.append($0) }
        #expect(first == BlockStore.PruneOutcome(base: 11, pruned: 10, incomplete: true))
        #expect(try store.baseHeight() == 11)
        let rest = try store.prune(retainHeight: 26, state: state, batchHeights: 10, maxBatches: 5) { bases.append($0) }
        #expect(rest == BlockStore.PruneOutcome(base: 26, pruned: 15, incomplete: false))
        #expect(bases == [11, 21, 26])
    }

    /// A crash between two batches (the second never starts): the store opens again with the
    /// first batch's base, whole heights above it, and pruning and saving go on.
    @Test func aCrashBetweenBatchesLeavesAConsistentStore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var workload = try BlockStoreWorkload(txsPerBlock: 3, txSize: 40)
        var saved: [BlockStoreWorkload.Height] = []
        do {
            let store = try BlockStore(path: directory.file("blockstore.db"))
            try store.saveInitialState(workload.initialState)
            for _ in 0..<30 {
                saved.append(try workload.next())
                try store.save(try #require(saved.last))
            }
            #expect(throws: BlockStoreError.self) {
                try store.prune(retainHeight: 26, state: try Self.state(saved), batchHeights: 10, maxBatches: 3) { _ in
                    throw Stop()
                }
            }
        }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        #expect(try store.baseHeight() == 11)
        for table in Self.perHeightTables {
            #expect(try Self.rows(store, table, below: 11) == 0, "\(table) below 11")
        }
        for height in 11...30 {
            #expect(try store.block(at: Int64(height)) == saved[height - 1].block)
            #expect(try store.finalizeBlockResponse(at: Int64(height)) == saved[height - 1].finalizeBlockResponse)
        }
        #expect(try store.latestState() == saved[29].state)
        saved.append(try workload.next())
        try store.save(saved[30])
        #expect(try store.prune(retainHeight: 26, state: try Self.state(saved), maxBatches: 3).base == 26)
    }

    /// Validator sets and block times stay while evidence from their height is still valid
    /// (both younger than `max_age_num_blocks` or `max_age_duration`), then go.
    @Test func whatEvidenceNeedsStaysUntilItExpires() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(30, in: directory)
        // Blocks are 1 s apart: at height 30, evidence from h < 25 is expired (5 blocks and 3 s).
        let short = try Self.state(saved, evidenceBlocks: 5, evidenceSeconds: 3)
        try store.prune(retainHeight: 28, state: short)
        #expect(try store.validators(at: 24) == nil)
        for height: Int64 in 25...30 {
            #expect(try store.validators(at: height) != nil, "validators at \(height)")
        }
        #expect(try store.blockTime(at: 24) == nil)
        #expect(try store.blockTime(at: 26) == saved[25].block.header.time)
        #expect(try store.blockTime(at: 29) == saved[28].block.header.time)

        // With CometBFT's default window nothing expires here: every set stays.
        let directory2 = try TemporaryDirectory()
        defer { directory2.remove() }
        let (other, saved2) = try BlockStoreTests.chain(30, in: directory2)
        try other.prune(retainHeight: 28, state: try Self.state(saved2))
        #expect(try other.validators(at: 1) != nil)
        #expect(try other.blockTime(at: 1) == saved2[0].block.header.time)
        // Once the window passes them they go on the next prune.
        try other.prune(retainHeight: 29, state: try Self.state(saved2, evidenceBlocks: 5, evidenceSeconds: 3))
        #expect(try other.validators(at: 24) == nil)
        #expect(try other.blockTime(at: 1) == nil)
        #expect(try other.validators(at: 25) != nil)
    }

    @Test func aNewFileGivesPrunedPagesBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("blockstore.db")
        let store = try BlockStore(path: path)
        #expect(try store.reclaimsFreePages())
        let saved = try Self.fill(store, heights: 60, txs: 20, txSize: 8_000)
        try store.prune(retainHeight: 60, state: try Self.state(saved))
        let free = try store.read("free") { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0 }
        #expect(free > BlockStore.retainedFreePages)
        let returned = try store.reclaimFreePages()
        #expect(returned == min(free - BlockStore.retainedFreePages, BlockStore.reclaimPagesPerCall))
        let left = try store.read("free") { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0 }
        #expect(left == free - returned)
    }

    /// A file made before auto-vacuum was set keeps working: prunes, saves, gives nothing back.
    @Test func anOlderFileKeepsWorkingUnchanged() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("blockstore.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try BlockStoreSchema.migrator.migrate(queue, upTo: "v3-extended-commits")
            #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } == 0)
        }
        let store = try BlockStore(path: path)
        #expect(try !store.reclaimsFreePages())
        let saved = try Self.fill(store, heights: 12)
        #expect(try store.prune(retainHeight: 10, state: try Self.state(saved)).base == 10)
        #expect(try store.reclaimFreePages() == 0)
        #expect(try store.block(at: 12) == saved[11].block)
    }

    /// `[storage] discard_abci_responses`: only the latest height's answer is kept.
    @Test func discardingKeepsOnlyTheLatestFinalizeBlockResponse() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try BlockStore(path: directory.file("blockstore.db"), discardFinalizeBlockResponses: true)
        var workload = try BlockStoreWorkload(txsPerBlock: 2, txSize: 40)
        try store.saveInitialState(workload.initialState)
        var last: BlockStoreWorkload.Height?
        for _ in 0..<5 {
            last = try workload.next()
            try store.save(try #require(last))
        }
        #expect(try Self.rows(store, "finalize_block_responses", below: 5) == 0)
        #expect(try store.finalizeBlockResponse(at: 5) == last?.finalizeBlockResponse)
    }
}
