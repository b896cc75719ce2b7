import Foundation
import GRDB
import PalisadeABCI
import PalisadeCrypto
import PalisadeState
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: heights in SQLite")
struct BlockStoreTests {
    /// A store in a fresh directory, with the initial state and `heights` heights saved.
    static func chain(_ heights: Int, in directory: TemporaryDirectory,
                      txs: Int = 3) throws -> (store: BlockStore, saved: [BlockStoreWorkload.Height]) {
        let store = try BlockStore(path: directory.file("blockstore.db"))
        var workload = try BlockStoreWorkload(txsPerBlock: txs, txSize: 40)
        try store.saveInitialState(workload.initialState)
        var saved: [BlockStoreWorkload.Height] = []
        for _ in 0..<heights {
            let height = try workload.next()
            try store.save(height)
            saved.append(height)
        }
        return (store, saved)
    }

    @Test func opensInWALModeWithFullSync() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        let (mode, synchronous) = try store.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "synchronous = FULL")
        #expect(try store.latestHeight() == 0)
        #expect(try store.baseHeight() == 0)
        #expect(try store.latestState() == nil)
        #expect(try store.block(at: 1) == nil)
    }

    @Test func initialStateAnswersForTheFirstHeights() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        let workload = try BlockStoreWorkload()
        try store.saveInitialState(workload.initialState)
        #expect(try store.latestState() == workload.initialState)
        #expect(try store.latestHeight() == 0)
        #expect(try store.validators(at: 1) == workload.initialState.validators)
        #expect(try store.validators(at: 2) == workload.initialState.nextValidators)
        #expect(try store.consensusParams(at: 1) == workload.initialState.consensusParams)

        // Before the first block the initial state may still be replaced, with all it fixes.
        let other = try BlockStoreWorkload(validators: 5).initialState
        try store.saveInitialState(other)
        #expect(try store.latestState() == other)
        #expect(try store.validators(at: 1) == other.validators)
        #expect(try store.validators(at: 2) == other.nextValidators)
    }

    @Test func everyQueryAnswersForStoredHeights() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try Self.chain(5, in: directory)
        #expect(try store.latestHeight() == 5)
        #expect(try store.baseHeight() == 1)
        #expect(try store.latestState() == saved[4].state)

        for (offset, height) in saved.enumerated() {
            let h = Int64(offset + 1)
            #expect(try store.block(at: h) == height.block)
            #expect(try store.blockBytes(at: h) == height.block.protobuf)
            #expect(try store.block(hash: height.blockID.hash) == height.block)
            #expect(try store.height(ofBlockHash: height.blockID.hash) == h)
            #expect(try store.blockID(at: h) == height.blockID)
            #expect(try store.blockMeta(at: h) == BlockMeta(blockID: height.blockID, blockSize: height.block.protobuf.count,
                                                            header: height.block.header, numTxs: 3))
            #expect(try store.seenCommit(at: h) == height.seenCommit)
            #expect(try store.finalizeBlockResponse(at: h) == height.finalizeBlockResponse)
            #expect(try store.validators(at: h) == (offset == 0 ? nil : saved[offset - 1].state).map(\.validators)
                        ?? saved[0].state.lastValidators)
            #expect(try store.consensusParams(at: h) == .default)
            for (index, tx) in height.block.data.txs.enumerated() {
                #expect(try store.txLocation(hash: SHA256Hash.digest(tx)) == TxLocation(height: h, index: index))
            }
        }
        // The validator sets the last state already fixes, and the parameters for the next height.
        #expect(try store.validators(at: 6) == saved[4].state.validators)
        #expect(try store.validators(at: 7) == saved[4].state.nextValidators)
        #expect(try store.validators(at: 8) == nil)
        #expect(try store.consensusParams(at: 6) == .default)
        #expect(try store.consensusParams(at: 7) == nil)
        #expect(try store.txLocation(hash: SHA256Hash.digest([1, 2, 3])) == nil)
        #expect(try store.block(hash: SHA256Hash.digest([1])) == nil)
    }

    @Test func commitIsCanonicalOnceTheNextBlockIsStored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try Self.chain(3, in: directory)
        let canonical = try #require(saved[2].block.lastCommit)
        #expect(try store.commit(at: 2) == StoredCommit(commit: canonical, isCanonical: true))
        #expect(try store.commit(at: 3) == StoredCommit(commit: saved[2].seenCommit, isCanonical: false))
        #expect(try store.commit(at: 4) == nil)
    }

    @Test func blockMetasCoverTheStoredPartOfARange() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try Self.chain(4, in: directory)
        let metas = try store.blockMetas(from: 0, through: 10)
        #expect(metas.map(\.header.height) == [1, 2, 3, 4])
        #expect(metas.map(\.blockID) == saved.map(\.blockID))
        #expect(try store.blockMetas(from: 2, through: 3).map(\.header.height) == [2, 3])
        #expect(try store.blockMetas(from: 3, through: 2).isEmpty)
    }

    @Test func reopenedStoreHoldsTheSameChain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let saved = try Self.chain(3, in: directory).saved
        let reopened = try BlockStore(path: directory.file("blockstore.db"))
        #expect(try reopened.latestHeight() == 3)
        #expect(try reopened.latestState() == saved[2].state)
        #expect(try reopened.block(at: 2) == saved[1].block)
        // The chain continues where it stopped.
        var workload = try BlockStoreWorkload(resuming: saved[2].state, lastCommit: saved[2].seenCommit, txsPerBlock: 3,
                                              txSize: 40)
        try reopened.save(try workload.next())
        #expect(try reopened.latestHeight() == 4)
    }

    @Test func refusesHeightsThatDoNotFollowAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try Self.chain(2, in: directory)
        var workload = try BlockStoreWorkload(resuming: saved[1].state, lastCommit: saved[1].seenCommit)
        let third = try workload.next()
        let fourth = try workload.next()

        let gap = #expect(throws: BlockStoreError.self) { try store.save(fourth) }
        #expect(gap?.kind == .invalidArgument)
        #expect(gap?.description.contains("expects height 3") == true)
        let again = #expect(throws: BlockStoreError.self) { try store.save(saved[1]) }
        #expect(again?.kind == .invalidArgument)

        var wrongCommit = third
        wrongCommit.seenCommit = saved[1].seenCommit
        #expect(throws: BlockStoreError.self) { try store.save(wrongCommit) }
        var wrongState = third
        wrongState.state = saved[1].state
        #expect(throws: BlockStoreError.self) { try store.save(wrongState) }
        var wrongID = third
        wrongID.blockID = saved[1].blockID
        wrongID.seenCommit.blockID = saved[1].blockID
        wrongID.state.lastBlockID = saved[1].blockID
        #expect(throws: BlockStoreError.self) { try store.save(wrongID) }
        #expect(throws: BlockStoreError.self) { try store.saveInitialState(saved[0].state) }
        let lateGenesis = #expect(throws: BlockStoreError.self) {
            try store.saveInitialState(try BlockStoreWorkload().initialState)
        }
        #expect(lateGenesis?.description.contains("already holds blocks up to height 2") == true)

        #expect(try store.latestHeight() == 2)
        #expect(try store.latestState() == saved[1].state)
        try store.save(third)
        try store.save(fourth)
        #expect(try store.latestHeight() == 4)
    }

    @Test func aFileThatIsNotSQLiteIsAClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Bytes(repeating: 0x5A, count: 8192), to: "blockstore.db")
        let path = directory.file("blockstore.db")
        let error = #expect(throws: BlockStoreError.self) { _ = try BlockStore(path: path) }
        #expect(error?.kind == .open)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("not a usable SQLite block store") == true)

        let directoryError = #expect(throws: BlockStoreError.self) { _ = try BlockStore(path: directory.path) }
        #expect(directoryError?.description.contains("is a directory") == true)
        let missing = directory.file("no/such/dir/blockstore.db")
        let missingError = #expect(throws: BlockStoreError.self) { _ = try BlockStore(path: missing) }
        #expect(missingError?.description.contains(missing) == true)
    }

    @Test func aDatabaseFromAnotherProgramOrANewerVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("blockstore.db")
        _ = try BlockStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        let error = #expect(throws: BlockStoreError.self) { _ = try BlockStore(path: path) }
        #expect(error?.description.contains("newer version") == true)
    }

    @Test func aDamagedRowNamesItsTableAndHeight() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, _) = try Self.chain(2, in: directory)
        try store.pool.write { db in
            try db.execute(sql: "UPDATE blocks SET block = x'0A05FFFF' WHERE height = 2")
            try db.execute(sql: "UPDATE seen_commits SET commit_proto = x'FF' WHERE height = 1")
            try db.execute(sql: "UPDATE chain_state SET state = x'7B7D'")
        }
        let block = #expect(throws: BlockStoreError.self) { _ = try store.block(at: 2) }
        #expect(block?.kind == .corruptRecord)
        #expect(block?.description.contains("read block at height 2") == true)
        #expect(block?.description.contains(directory.file("blockstore.db")) == true)
        let commit = #expect(throws: BlockStoreError.self) { _ = try store.seenCommit(at: 1) }
        #expect(commit?.description.contains("seen_commits at height 1") == true)
        let state = #expect(throws: BlockStoreError.self) { _ = try store.latestState() }
        #expect(state?.description.contains("ChainState.format: missing") == true)
    }
}
