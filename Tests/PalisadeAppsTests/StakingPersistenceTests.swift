import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

@Suite struct StakingPersistenceTests {
    typealias C = StakingChain

    func blocks() -> [([StakingTx], [Misbehavior])] {
        [
            ([StakingTx.signed(.transfer(to: C.bob.publicKey.address, amount: 7), nonce: 0, by: C.alice, chainID: C.chainID),
              StakingTx.signed(.bond(validator: C.validator3.publicKey, amount: 100), nonce: 0, by: C.bob, chainID: C.chainID)], []),
            ([StakingTx.signed(.unbond(amount: 50), nonce: 0, by: C.carol, chainID: C.chainID)], [C.doubleSign(C.validator1, height: 1)]),
            ([StakingTx.signed(.unbond(amount: 100), nonce: 1, by: C.bob, chainID: C.chainID)], []),
        ]
    }

    @Test func restartRestoresStateAndInfo() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("staking.db")
        var twin = try await C.started()
        let before: InfoResponse
        do {
            var c = try await C.started(try await StakingApplication.open(databasePath: path))
            for (txs, misbehavior) in blocks() {
                let response = try await c.block(txs, misbehavior: misbehavior)
                #expect(try await twin.block(txs, misbehavior: misbehavior) == response)
            }
            before = try await c.app.info(InfoRequest())
        }
        #expect(before.lastBlockHeight == 3)
        let reopened = try await StakingApplication.open(databasePath: path)
        #expect(try await reopened.info(InfoRequest()) == before)
        #expect(await reopened.committed == twin.app.committed)
        // carol's validator was removed (fully unbonded) and bob's too: deletions reach the file.
        #expect(await reopened.committed.validators.count == 1)

        // The restored app keeps agreeing with one that never stopped.
        var resumed = C(reopened)
        resumed.height = 3
        let next = [StakingTx.signed(.transfer(to: C.carol.publicKey.address, amount: 1), nonce: 1, by: C.alice, chainID: C.chainID)]
        #expect(try await resumed.block(next) == twin.block(next))
        #expect(try await StakingApplication.open(databasePath: path).committed == twin.app.committed)
    }

    /// InitChain alone saves nothing: a node that stops before block 1 starts over from InitChain.
    @Test func nothingIsSavedBeforeTheFirstCommit() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("staking.db")
        _ = try await C.started(try await StakingApplication.open(databasePath: path))
        let info = try await StakingApplication.open(databasePath: path).info(InfoRequest())
        #expect(info.lastBlockHeight == 0)
        #expect(info.lastBlockAppHash.isEmpty)
    }

    @Test func corruptFileNamesTheFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("staking.db")
        try Data("this is not a database, it is a text file that is long enough to have a header".utf8)
            .write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: AppDatabaseError.self) { try await StakingApplication.open(databasePath: path) }
        #expect(error?.path == path)
        #expect(error.map { "\($0)" }?.contains(path) == true)
    }
}
