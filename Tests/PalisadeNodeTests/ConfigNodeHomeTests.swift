import Foundation
import PalisadeCrypto
import PalisadeP2P
import PalisadeTypes
import Testing
@testable import PalisadeNode

@Suite("Config: node home")
struct ConfigNodeHomeTests {
    static let genesisTime = Timestamp(seconds: 1_700_000_000, nanos: 123_000)

    static func initialize(_ root: String, seed: UInt64 = 7) throws -> LoadedHome {
        var generator = SeededGenerator(seed: seed)
        return try NodeHome.initialize(root: root, chainID: "palisade-test", moniker: "alpha",
                                       genesisTime: genesisTime, using: &generator)
    }

    static func overwrite(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func initWritesALoadableOneValidatorHome() throws {
        try withTemporaryDirectory { dir in
            let root = dir + "/home"
            let loaded = try Self.initialize(root)
            #expect(loaded.home.root == root)
            #expect(loaded.warnings.isEmpty)
            #expect(loaded.config.moniker == "alpha")
            #expect(loaded.genesis.chainID == "palisade-test")
            #expect(loaded.genesis.genesisTime == Self.genesisTime)
            #expect(loaded.genesis.validators.map(\.power) == [10])
            #expect(loaded.genesis.validators.first?.publicKey == loaded.privValidatorKey.publicKey)
            #expect(loaded.isGenesisValidator)
            #expect(loaded.lastSignState == .initial)
            #expect(loaded.nodeKey.publicKey != loaded.privValidatorKey.publicKey)
            for path in ["config/config.toml", "config/genesis.json", "config/priv_validator_key.json",
                         "config/node_key.json", "data/priv_validator_state.json"] {
                #expect(FileManager.default.fileExists(atPath: root + "/" + path), "\(path)")
            }
            let mode = try FileManager.default.attributesOfItem(atPath: loaded.home.privValidatorKeyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(loaded.home.walFile == root + "/data/cs.wal/wal")
            #expect(loaded.home.dataDirectory == root + "/data")
        }
    }

    @Test func initRefusesToOverwriteKeys() throws {
        try withTemporaryDirectory { dir in
            let first = try Self.initialize(dir)
            let keyBefore = try Data(contentsOf: URL(fileURLWithPath: first.home.privValidatorKeyFile))
            let error = try #require(throws: NodeHomeError.self) { try Self.initialize(dir, seed: 8) }
            #expect(error.description.contains("already exists"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: first.home.privValidatorKeyFile)) == keyBefore)
        }
    }

    @Test func initKeepsAnExistingConfigAndItsPaths() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/config", withIntermediateDirectories: true)
            var config = NodeConfig()
            config.moniker = "mine"
            config.privValidatorKeyFile = "keys/pv.json"
            try Self.overwrite(dir + "/config/config.toml", config.render())
            let loaded = try Self.initialize(dir)
            #expect(loaded.config.moniker == "mine")
            #expect(FileManager.default.fileExists(atPath: dir + "/keys/pv.json"))
        }
    }

    /// A node joining a running network: the network's genesis byte for byte (not re-encoded),
    /// its peers and listen addresses in the new config.toml, and a key of its own that the
    /// genesis does not name.
    @Test func initJoinsARunningNetwork() throws {
        try withTemporaryDirectory { dir in
            let network = try Self.initialize(dir + "/validator")
            let genesisText = try String(contentsOfFile: network.home.genesisFile, encoding: .utf8) + "\n\n"
            let genesisPath = dir + "/network-genesis.json"
            try Self.overwrite(genesisPath, genesisText)
            let peer = try PeerAddress(parsing: "\(network.nodeKey.id)@127.0.0.1:26656")
            var generator = SeededGenerator(seed: 9)
            let options = InitOptions(genesisFile: genesisPath, persistentPeers: [peer],
                                      p2pLaddr: try ListenAddress(parsing: "tcp://127.0.0.1:26666"),
                                      rpcLaddr: try ListenAddress(parsing: "tcp://127.0.0.1:26667"))
            let joined = try NodeHome.initialize(root: dir + "/full", chainID: nil, moniker: "full",
                                                 genesisTime: Timestamp(seconds: 1), options: options, using: &generator)
            #expect(try String(contentsOfFile: joined.home.genesisFile, encoding: .utf8) == genesisText)
            #expect(joined.genesis == network.genesis)
            #expect(!joined.isGenesisValidator)
            #expect(joined.nodeKey.id != network.nodeKey.id)
            #expect(joined.config.p2p.persistentPeers == [peer])
            #expect(joined.config.p2p.laddr == ListenAddress(host: "127.0.0.1", port: 26666))
            #expect(joined.config.rpc.laddr == ListenAddress(host: "127.0.0.1", port: 26667))
            #expect(joined.config.moniker == "full")
        }
    }

    @Test func initRefusesAJoinedGenesisOfAnotherChainAndOptionsAnExistingConfigWouldDrop() throws {
        try withTemporaryDirectory { dir in
            let network = try Self.initialize(dir + "/validator")
            var generator = SeededGenerator(seed: 9)
            let wrongChain = try #require(throws: NodeHomeError.self) {
                try NodeHome.initialize(root: dir + "/a", chainID: "other-chain", moniker: "a", genesisTime: Self.genesisTime,
                                        options: InitOptions(genesisFile: network.home.genesisFile), using: &generator)
            }
            #expect(wrongChain.description.contains("palisade-test") && wrongChain.description.contains("other-chain"))
            let missing = try #require(throws: NodeHomeError.self) {
                try NodeHome.initialize(root: dir + "/b", chainID: nil, moniker: "b", genesisTime: Self.genesisTime,
                                        options: InitOptions(genesisFile: dir + "/nope.json"), using: &generator)
            }
            #expect(missing.description.contains("nope.json"))
            try FileManager.default.createDirectory(atPath: dir + "/c/config", withIntermediateDirectories: true)
            try Self.overwrite(dir + "/c/config/config.toml", NodeConfig().render())
            let peer = try PeerAddress(parsing: "\(network.nodeKey.id)@127.0.0.1:26656")
            let kept = try #require(throws: NodeHomeError.self) {
                try NodeHome.initialize(root: dir + "/c", chainID: nil, moniker: "c", genesisTime: Self.genesisTime,
                                        options: InitOptions(persistentPeers: [peer]), using: &generator)
            }
            #expect(kept.description.contains("--persistent-peers"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/c/config/genesis.json"))
        }
    }

    @Test func corruptConfigNamesFileKeyAndLine() throws {
        try withTemporaryDirectory { dir in
            let home = try Self.initialize(dir).home
            try Self.overwrite(home.configFile, "moniker = \"a\"\n[consensus]\ntimeout_commit = 5\n")
            let error = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            guard case let .config(config) = error else { Issue.record("\(error)"); return }
            #expect(config.file == home.configFile)
            #expect(config.key == "consensus.timeout_commit")
            #expect(config.line == 3)
        }
    }

    @Test func corruptGenesisNamesFileAndField() throws {
        try withTemporaryDirectory { dir in
            let home = try Self.initialize(dir).home
            let text = try String(contentsOfFile: home.genesisFile, encoding: .utf8)
            try Self.overwrite(home.genesisFile, text.replacingOccurrences(of: "\"power\": \"10\"", with: "\"power\": \"-3\""))
            let error = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            #expect(error == .genesis(GenesisError(file: home.genesisFile, field: "validators[0].power",
                                                   reason: "must be positive, got -3")))
        }
    }

    @Test func corruptValidatorKeyNamesFileAndField() throws {
        try withTemporaryDirectory { dir in
            let loaded = try Self.initialize(dir)
            let path = loaded.home.privValidatorKeyFile
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Self.overwrite(path, text.replacingOccurrences(of: loaded.privValidatorKey.address.bytes.upperHex,
                                                               with: String(repeating: "AB", count: 20)))
            let error = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            guard case let .keyFile(keyError) = error else { Issue.record("\(error)"); return }
            #expect(keyError.file == path)
            #expect(keyError.field == "address")
            #expect(error.description.hasPrefix(path + ": address: "))
        }
    }

    @Test func corruptSignStateNamesFileAndField() throws {
        try withTemporaryDirectory { dir in
            let home = try Self.initialize(dir).home
            try Self.overwrite(home.privValidatorStateFile, #"{"height": "abc", "round": 0, "step": 0}"#)
            let error = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            guard case let .keyFile(keyError) = error else { Issue.record("\(error)"); return }
            #expect(keyError.file == home.privValidatorStateFile)
            #expect(keyError.field == "height")
        }
    }

    @Test func corruptNodeKeyNamesFileAndField() throws {
        try withTemporaryDirectory { dir in
            let home = try Self.initialize(dir).home
            try Self.overwrite(home.nodeKeyFile, #"{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"AAAA"}}"#)
            let error = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            guard case let .keyFile(keyError) = error else { Issue.record("\(error)"); return }
            #expect(keyError.file == home.nodeKeyFile)
            #expect(keyError.field == "priv_key.value")
        }
    }

    @Test func missingFilesAreNamed() throws {
        try withTemporaryDirectory { dir in
            let missingConfig = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            #expect(missingConfig.description.hasPrefix(dir + "/config/config.toml: does not exist"))
            let home = try Self.initialize(dir).home
            try FileManager.default.removeItem(atPath: home.privValidatorStateFile)
            let missingState = try #require(throws: NodeHomeError.self) { try NodeHome(root: dir).load() }
            #expect(missingState.description.hasPrefix(home.privValidatorStateFile + ": does not exist"))
        }
    }

    @Test func unsafeResetAllClearsDataAndKeepsIdentity() throws {
        try withTemporaryDirectory { dir in
            let loaded = try Self.initialize(dir)
            let home = loaded.home
            try FileManager.default.createDirectory(atPath: dir + "/data/cs.wal", withIntermediateDirectories: true)
            try Self.overwrite(home.walFile, "wal")
            try Self.overwrite(dir + "/data/blockstore.sqlite", "db")
            let signed = LastSignState(height: 12, round: 1, step: .precommit)
            try signed.jsonData().write(to: URL(fileURLWithPath: home.privValidatorStateFile))

            let removed = try home.unsafeResetAll()
            #expect(Set(removed) == [dir + "/data/cs.wal", dir + "/data/blockstore.sqlite"])
            let after = try NodeHome(root: dir).load()
            #expect(after.lastSignState == .initial)
            #expect(after.privValidatorKey == loaded.privValidatorKey)
            #expect(after.nodeKey == loaded.nodeKey)
            #expect(after.genesis == loaded.genesis)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data").sorted()
                == ["palisade.lock", "priv_validator_state.json"], "the lock file is kept: it is what a running node holds")
        }
    }

    /// A reset under a running node would let it, or a second node started after the reset, sign
    /// again what it already signed. The node holds `palisade.lock` while it runs.
    @Test func unsafeResetAllIsRefusedWhileANodeHoldsTheHome() throws {
        try withTemporaryDirectory { dir in
            let home = try Self.initialize(dir).home
            try FileManager.default.createDirectory(atPath: (home.walFile as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Self.overwrite(home.walFile, "wal")
            let signed = LastSignState(height: 12, round: 1, step: .precommit)
            try signed.jsonData().write(to: URL(fileURLWithPath: home.privValidatorStateFile))
            let running = try HomeLock(path: home.lockFile)
            let error = try #require(throws: NodeHomeError.self) { try home.unsafeResetAll() }
            #expect(error.description.contains("running on this home"))
            #expect(FileManager.default.fileExists(atPath: home.walFile))
            #expect(try NodeHome(root: dir).load().lastSignState == signed)
            withExtendedLifetime(running) {}
        }
    }

    @Test func unsafeResetAllRefusesADataDirHoldingTheKeys() throws {
        try withTemporaryDirectory { dir in
            _ = try Self.initialize(dir)
            var config = NodeConfig()
            config.moniker = "alpha"
            config.dbDir = "."
            let home = NodeHome(root: dir, config: config)
            let error = try #require(throws: NodeHomeError.self) { try home.unsafeResetAll() }
            #expect(error.description.contains("refusing to reset"))
            #expect(FileManager.default.fileExists(atPath: home.privValidatorKeyFile))
        }
    }

    @Test func homeRootResolution() {
        #expect(NodeHome.resolveRoot(option: "/x", environment: ["PALISADE_HOME": "/y", "HOME": "/h"]) == "/x")
        #expect(NodeHome.resolveRoot(option: nil, environment: ["PALISADE_HOME": "/y", "HOME": "/h"]) == "/y")
        #expect(NodeHome.resolveRoot(option: nil, environment: ["HOME": "/h"]) == "/h/.palisade")
        #expect(NodeHome.resolveRoot(option: "~/n0", environment: ["HOME": "/h"]) == "/h/n0")
        #expect(NodeHome(root: "/a/").configFile == "/a/config/config.toml")
        var config = NodeConfig()
        config.genesisFile = "/abs/genesis.json"
        #expect(NodeHome(root: "/a", config: config).genesisFile == "/abs/genesis.json")
    }
}
