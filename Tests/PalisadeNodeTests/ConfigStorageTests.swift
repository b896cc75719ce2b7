import Foundation
import Logging
import PalisadeABCI
import PalisadeApps
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

    /// `proxy_app = "staking"` with `[staking] snapshot_interval` takes snapshots into
    /// `data/staking-snapshots`, keeping `snapshot_keep_recent` of them.
    @Test func theStakingAppTakesTheConfiguredSnapshots() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-staking-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        var staking = StakingConfig()
        staking.snapshotInterval = 2
        staking.snapshotKeepRecent = 1
        let connected = try await AppConnector.connect(.staking, dataDirectory: data, staking: staking,
                                                       logger: Logger(label: "staking-snapshots-test"))
        let app = try #require(connected as? StakingApplication)
        let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32)))
        _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: "snap",
                                                     validators: [ValidatorUpdate(publicKey: key.publicKey, power: 10)]))
        for height in Int64(1)...5 {
            _ = try await app.finalizeBlock(FinalizeBlockRequest(
                txs: [], hash: Bytes(repeating: 1, count: 32), height: height, time: Timestamp(seconds: height),
                nextValidatorsHash: Bytes(repeating: 1, count: 32), proposerAddress: key.publicKey.address))
            _ = try await app.commit()
        }
        await app.waitForSnapshot()
        #expect(try await app.listSnapshots().map(\.height) == [4])
        #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/staking-snapshots") == ["4"])
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
