import Testing
@testable import PalisadeNode

/// `[storage] discard_abci_responses` (CometBFT's key) and `[kvstore] retain_blocks` (the
/// built-in kvstore's): read, written back, and refused where they cannot apply.
@Suite("Config: storage and retained blocks")
struct ConfigStorageTests {
    @Test func bothKeysAreReadAndRendered() throws {
        let (config, warnings) = try parseConfig("""
            [storage]
            discard_abci_responses = true
            [kvstore]
            retain_blocks = 100
            """)
        #expect(warnings.isEmpty)
        #expect(config.storage.discardABCIResponses)
        #expect(config.kvstore.retainBlocks == 100)
        #expect(try parseConfig(config.render()).0 == config)
        #expect(NodeConfig.default.storage.discardABCIResponses == false)
        #expect(NodeConfig.default.kvstore.retainBlocks == 0)
    }

    @Test func retainBlocksIsRefusedForAnotherAppOrBelowZero() throws {
        let other = try #require(throws: ConfigError.self) {
            try parseConfig("proxy_app = \"tcp://127.0.0.1:26658\"\n[kvstore]\nretain_blocks = 10\n")
        }
        #expect(other.key == "kvstore.retain_blocks")
        #expect(other.reason.contains("kvstore"))
        let negative = try #require(throws: ConfigError.self) { try parseConfig("[kvstore]\nretain_blocks = -1\n") }
        #expect(negative.key == "kvstore.retain_blocks")
        let wrongType = try #require(throws: ConfigError.self) { try parseConfig("[storage]\ndiscard_abci_responses = 1\n") }
        #expect(wrongType.key == "storage.discard_abci_responses")
    }

    @Test func snapshotKeysAreReadRenderedAndBounded() throws {
        let (config, warnings) = try parseConfig("[kvstore]\nsnapshot_interval = 100\nsnapshot_keep_recent = 3\n")
        #expect(warnings.isEmpty)
        #expect(config.kvstore.snapshotInterval == 100 && config.kvstore.snapshotKeepRecent == 3)
        #expect(try parseConfig(config.render()).0 == config)
        #expect(NodeConfig.default.kvstore.snapshotInterval == 0)
        let none = try #require(throws: ConfigError.self) { try parseConfig("[kvstore]\nsnapshot_keep_recent = 0\n") }
        #expect(none.key == "kvstore.snapshot_keep_recent")
        let negative = try #require(throws: ConfigError.self) { try parseConfig("[kvstore]\nsnapshot_interval = -5\n") }
        #expect(negative.key == "kvstore.snapshot_interval")
    }

    @Test func stakingSnapshotKeysAreReadRenderedAndBounded() throws {
        let (config, warnings) = try parseConfig("proxy_app = \"staking\"\n[staking]\nsnapshot_interval = 50\nsnapshot_keep_recent = 4\n")
        #expect(warnings.isEmpty)
        #expect(config.staking.snapshotInterval == 50 && config.staking.snapshotKeepRecent == 4)
        #expect(config.kvstore.snapshotInterval == 0)
        #expect(try parseConfig(config.render()).0 == config)
        #expect(NodeConfig.default.staking.snapshotInterval == 0)
        let none = try #require(throws: ConfigError.self) { try parseConfig("[staking]\nsnapshot_keep_recent = 0\n") }
        #expect(none.key == "staking.snapshot_keep_recent")
        let negative = try #require(throws: ConfigError.self) { try parseConfig("[staking]\nsnapshot_interval = -5\n") }
        #expect(negative.key == "staking.snapshot_interval")
    }
}
