@testable import PalisadeApps
import Testing

/// The apps' databases must commit with `synchronous = FULL`: an app that reports a height its
/// file lost after a power cut makes the node replay into a state it cannot rebuild. GRDB's WAL
/// setup used to reset the level to NORMAL behind the app's back.
@Suite struct AppDatabaseDurabilityTests {
    @Test func theKVStoreAndStakingDatabasesRunSynchronousFull() async throws {
        let directory = try TemporaryDirectory()
        let kvstore = try SQLiteKVStateStore(path: directory.path("kvstore.db"))
        #expect(AppDatabase.synchronousLevel(kvstore.database) == AppDatabase.synchronousFull)
        let staking = try StakingStore(path: directory.path("staking.db"))
        let stakingDatabase = await staking.database
        #expect(AppDatabase.synchronousLevel(stakingDatabase) == AppDatabase.synchronousFull)
    }
}
