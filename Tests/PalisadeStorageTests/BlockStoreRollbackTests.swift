import PalisadeABCI
import PalisadeState
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: rolling back one height (palisade rollback)")
struct BlockStoreRollbackTests {
    /// The rebuilt state must be the state that was stored after n-1, field for field, down to the
    /// first block, including across a validator update (whose change height must be found again).
    @Test func everyRollbackGivesBackTheStateStoredBefore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        var workload = try BlockStoreWorkload(txsPerBlock: 2, txSize: 40)
        try store.saveInitialState(workload.initialState)
        var saved: [BlockStoreWorkload.Height] = []
        for height in 1...7 {
            let update = height == 3 || height == 5
                ? [ValidatorUpdate(publicKey: workload.state.validators.validators[0].publicKey, power: Int64(10 + height))]
                : []
            saved.append(try workload.next(validatorUpdates: update))
            try store.save(saved[height - 1])
        }
        #expect(saved[4].state.lastHeightValidatorsChanged == 7)
        for height in stride(from: 7, through: 2, by: -1) {
            let state = try store.rollbackLatestHeight()
            #expect(state == saved[height - 2].state, "rolling back height \(height)")
            #expect(try store.latestState() == saved[height - 2].state)
            #expect(try store.block(at: Int64(height)) == nil)
            #expect(try store.seenCommit(at: Int64(height)) == nil)
            #expect(try store.finalizeBlockResponse(at: Int64(height)) == nil)
            #expect(try store.validators(at: Int64(height + 2)) == nil)
            // Without block `height`, the commit for `height - 1` is the one this node saw.
            #expect(try store.commit(at: Int64(height - 1))?.commit == saved[height - 2].seenCommit)
        }
        #expect(throws: BlockStoreError.self) { try store.rollbackLatestHeight() }
        #expect(try store.latestState() == saved[0].state)
    }

    /// After a rollback the node executes block n again and saves it through the normal path.
    @Test func theRolledBackHeightCanBeSavedAgain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(4, in: directory)
        _ = try store.rollbackLatestHeight()
        #expect(try store.latestHeight() == 3)
        try store.save(saved[3])
        #expect(try store.latestState() == saved[3].state)
        #expect(try store.block(at: 4) == saved[3].block)
        #expect(try store.commit(at: 3)?.commit == saved[3].block.lastCommit)
    }

    /// A store whose rows do not fit block n's header is refused and keeps its height.
    @Test func aStateThatDisagreesWithTheHeaderIsRefusedAndNothingChanges() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, saved) = try BlockStoreTests.chain(4, in: directory)
        try store.write("tamper") { db in
            try db.execute(sql: "DELETE FROM consensus_params WHERE height = 4")
        }
        #expect(throws: BlockStoreError.self) { try store.rollbackLatestHeight() }
        #expect(try store.latestState() == saved[3].state)
        #expect(try store.block(at: 4) != nil)
    }
}
