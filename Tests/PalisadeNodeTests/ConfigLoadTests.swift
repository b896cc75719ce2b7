import Foundation
import PalisadeConsensus
import PalisadeMempool
import PalisadeP2P
import Testing
@testable import PalisadeNode

@Suite("Config: config.toml")
struct ConfigLoadTests {
    static let peerA = "aabbccddeeff00112233445566778899aabbccdd"
    static let peerB = "0123456789abcdef0123456789abcdef01234567"

    @Test func emptyFileIsCometBFTDefaults() throws {
        let (config, warnings) = try parseConfig("")
        #expect(warnings.isEmpty)
        #expect(config == NodeConfig.default)
        #expect(config.proxyApp == .kvstore)
        #expect(config.genesisFile == "config/genesis.json")
        #expect(config.privValidatorKeyFile == "config/priv_validator_key.json")
        #expect(config.privValidatorStateFile == "data/priv_validator_state.json")
        #expect(config.nodeKeyFile == "config/node_key.json")
        #expect(config.dbDir == "data")
        #expect(config.rpc.laddr == ListenAddress(host: "127.0.0.1", port: 26657))
        #expect(config.rpc.maxOpenConnections == 900)
        #expect(config.rpc.maxSubscriptionClients == 100)
        #expect(config.rpc.maxSubscriptionsPerClient == 5)
        #expect(config.rpc.maxBodyBytes == 1_000_000)
        #expect(config.rpc.maxHeaderBytes == 1 << 20)
        #expect(config.rpc.timeoutBroadcastTxCommit == 10_000)
        #expect(config.rpc.unsafe == false)
        #expect(config.p2p.laddr == ListenAddress(host: "0.0.0.0", port: 26656))
        #expect(config.p2p.persistentPeers.isEmpty)
        #expect(config.p2p.dialTimeout == 3000)
        #expect(config.p2p.handshakeTimeout == 20_000)
        #expect(config.mempool == MempoolConfig.default)
        #expect(config.mempoolBroadcast)
        #expect(config.consensus.walFile == "data/cs.wal/wal")
        #expect(config.consensus.timeoutConfig == TimeoutConfig())
        #expect(config.consensus.createEmptyBlocks && !config.consensus.skipTimeoutCommit)
        #expect(config.consensus.createEmptyBlocksInterval == 0)
        #expect(config.txIndex.indexer == .kv)
    }

    @Test func defaultRenderRoundTrips() throws {
        let text = NodeConfig.default.render()
        let (config, warnings) = try parseConfig(text)
        #expect(warnings.isEmpty)
        #expect(config == NodeConfig.default)
        #expect(text.contains("[consensus]") && text.contains("timeout_commit = \"1s\""))
        #expect(text.contains("timeout_propose = \"3s\"") && text.contains("timeout_prevote_delta = \"500ms\""))
    }

    @Test func everyFieldRoundTrips() throws {
        var config = NodeConfig()
        config.moniker = "val \"one\"\\ñ"
        config.proxyApp = .tcp(ListenAddress(host: "127.0.0.1", port: 26658))
        config.genesisFile = "/etc/palisade/genesis.json"
        config.privValidatorKeyFile = "keys/pv.json"
        config.privValidatorStateFile = "state/pv_state.json"
        config.nodeKeyFile = "keys/node.json"
        config.dbDir = "db"
        config.logLevel = "consensus:debug,*:info"
        config.logFormat = .json
        config.rpc.laddr = ListenAddress(host: "::1", port: 36657)
        config.rpc.maxOpenConnections = 0
        config.rpc.maxSubscriptionClients = 7
        config.rpc.maxSubscriptionsPerClient = 8
        config.rpc.maxBodyBytes = 9
        config.rpc.maxHeaderBytes = 10
        config.rpc.timeoutBroadcastTxCommit = 61_500
        config.rpc.unsafe = true
        config.p2p.laddr = ListenAddress(host: "127.0.0.1", port: 36656)
        config.p2p.persistentPeers = [PeerAddress(id: Self.peerA, host: "10.0.0.1", port: 26656),
                                      PeerAddress(id: Self.peerB, host: "node-b.example", port: 1)]
        config.p2p.maxNumInboundPeers = 3
        config.p2p.maxNumOutboundPeers = 2
        config.p2p.persistentPeersMaxDialPeriod = 30_000
        config.p2p.dialTimeout = 1
        config.p2p.handshakeTimeout = 3_600_000
        config.mempool = MempoolConfig(size: 1, maxTxsBytes: 2, cacheSize: 0, maxTxBytes: 4, keepInvalidTxsInCache: true, recheck: false)
        config.mempoolBroadcast = false
        config.consensus.walFile = "wal/cs"
        var timeouts = TimeoutConfig()
        timeouts.timeoutPropose = 1
        timeouts.timeoutProposeDelta = 2
        timeouts.timeoutPrevote = 3
        timeouts.timeoutPrevoteDelta = 4
        timeouts.timeoutPrecommit = 5
        timeouts.timeoutPrecommitDelta = 6
        timeouts.timeoutCommit = 7
        config.consensus.timeoutConfig = timeouts
        config.consensus.skipTimeoutCommit = true
        config.consensus.createEmptyBlocks = false
        config.consensus.createEmptyBlocksInterval = 90_000
        config.txIndex.indexer = .null
        let (loaded, warnings) = try parseConfig(config.render())
        #expect(warnings.isEmpty)
        #expect(loaded == config)
        #expect(loaded.consensus.timeoutConfig == timeouts)

        config.proxyApp = .unix(path: "/run/app.sock")
        #expect(try parseConfig(config.render()).0.proxyApp == .unix(path: "/run/app.sock"))
        config.proxyApp = .staking
        #expect(try parseConfig(config.render()).0.proxyApp == .staking)
    }

    @Test func p2pTimeoutsReachTheTransport() throws {
        let config = try parseConfig("[p2p]\ndial_timeout = \"250ms\"\nhandshake_timeout = \"7s\"\n").0
        #expect(config.p2p.transport.dialTimeout == .milliseconds(250))
        #expect(config.p2p.transport.handshakeTimeout == .seconds(7))
        #expect(NodeConfig.default.p2p.transport.dialTimeout == .seconds(3))
    }

    @Test func readsCometBFTSpellings() throws {
        let text = """
            proxy_app = "tcp://127.0.0.1:26658"
            moniker = "cometbft-node"
            [p2p]
            laddr = "0.0.0.0:26656"
            persistent_peers = " \(Self.peerA)@10.0.0.1:26656 , \(Self.peerB)@[::1]:26666,"
            max_num_inbound_peers = 7
            max_num_outbound_peers = 4
            [consensus]
            timeout_commit = "1m0s"
            timeout_propose = "2.5s"
            """
        let config = try parseConfig(text).0
        #expect(config.proxyApp == .tcp(ListenAddress(host: "127.0.0.1", port: 26658)))
        #expect(config.p2p.laddr == ListenAddress(host: "0.0.0.0", port: 26656))
        #expect(config.p2p.persistentPeers == [PeerAddress(id: Self.peerA, host: "10.0.0.1", port: 26656),
                                               PeerAddress(id: Self.peerB, host: "::1", port: 26666)])
        #expect(config.consensus.timeoutCommit == 60_000)
        #expect(config.consensus.timeoutPropose == 2500)
        #expect(config.p2p.maxNumInboundPeers == 7 && config.p2p.maxNumOutboundPeers == 4)
        #expect(NodeConfig().p2p.maxNumInboundPeers == 40 && NodeConfig().p2p.maxNumOutboundPeers == 10)
    }

    @Test func unknownKeysAndSectionsAreWarningsWithLines() throws {
        let text = """
            version = "0.38.0"
            moniker = "a"

            [consensus]
            timeout_commit = "2s"
            peer_gossip_sleep_duration = "100ms"

            [blocksync]
            version = "v0"
            """
        let (config, warnings) = try parseConfig(text)
        #expect(config.consensus.timeoutCommit == 2000)
        #expect(warnings.count == 3)
        #expect(warnings.contains("config.toml:6: consensus.peer_gossip_sleep_duration: unknown key, ignored"))
        #expect(warnings.contains("config.toml:8: [blocksync]: unknown section, ignored"))
        #expect(warnings.contains("config.toml:1: version: unknown key, ignored"))
    }

    /// (text, key, line, words the reason must contain)
    static let wrongValues: [(String, String, Int, String)] = [
        ("moniker = \"x\"\n[consensus]\ntimeout_commit = 5\n", "consensus.timeout_commit", 3, "the integer 5"),
        ("[consensus]\n\n# note\ntimeout_commit = \"abc\"\n", "consensus.timeout_commit", 4, "\"abc\" is not a duration"),
        ("[consensus]\ntimeout_commit = \"-1s\"\n", "consensus.timeout_commit", 2, "negative"),
        ("[rpc]\nladdr = \"tcp://127.0.0.1:1\"\n[p2p]\nladdr = 3\n", "p2p.laddr", 4, "expected a string"),
        ("[rpc]\nladdr = \"http://127.0.0.1:26657\"\n", "rpc.laddr", 2, "tcp://"),
        ("[rpc]\nladdr = \"tcp://127.0.0.1:99999\"\n", "rpc.laddr", 2, "port"),
        ("[p2p]\npersistent_peers = \"abc@1.2.3.4:26656\"\n", "p2p.persistent_peers", 2, "node ID"),
        ("[p2p]\npersistent_peers = \"\(peerA)@1.2.3.4\"\n", "p2p.persistent_peers", 2, "port"),
        ("[p2p]\n  max_packet_msg_payload_size = 4096\n", "p2p.max_packet_msg_payload_size", 2, "not supported"),
        ("[mempool]\nsize = -1\n", "mempool.size", 2, "at least 0"),
        ("[mempool]\nrecheck = \"yes\"\n", "mempool.recheck", 2, "true or false"),
        ("[rpc]\nmax_body_bytes = 1.5\n", "rpc.max_body_bytes", 2, "the number 1.5"),
        ("[tx_index]\nindexer = \"psql\"\n", "tx_index.indexer", 2, "\"kv\" or \"null\""),
        ("proxy_app = \"noop\"\n", "proxy_app", 1, "kvstore"),
        ("\n\nlog_level = \"loud\"\n", "log_level", 3, "expected a level"),
        ("db_dir = \"\"\n", "db_dir", 1, "must not be empty"),
        ("consensus = 3\n", "consensus", 1, "expected a [consensus] section"),
        ("[consensus]\ncreate_empty_blocks = [true]\n", "consensus.create_empty_blocks", 2, "an array"),
    ]

    @Test(arguments: wrongValues)
    func wrongTypeOrValueNamesFileKeyAndLine(text: String, key: String, line: Int, reason: String) throws {
        let error = try #require(throws: ConfigError.self) { try parseConfig(text) }
        #expect(error.file == "config.toml")
        #expect(error.key == key)
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error)")
        #expect(error.description.hasPrefix("config.toml:\(line): \(key): "))
    }

    @Test func dottedKeyAtTopLevelStillGetsItsLine() throws {
        let error = try #require(throws: ConfigError.self) { try parseConfig("moniker = \"a\"\nconsensus.timeout_commit = 5\n") }
        #expect(error.key == "consensus.timeout_commit")
        #expect(error.line == 2)
    }

    @Test(arguments: [
        ("moniker = \"a\"\nmoniker = \"b\"\n", 2),
        ("[rpc]\nladdr = \"unterminated\n", 2),
        ("a = 1\n\n\n[consensus\n", 4),
        ("x = = 1\n", 1),
    ])
    func syntaxErrorNamesFileAndLine(text: String, line: Int) throws {
        let error = try #require(throws: ConfigError.self) { try parseConfig(text) }
        #expect(error.line == line)
        #expect(error.key == "")
        #expect(error.description.hasPrefix("config.toml:\(line): TOML syntax"))
    }

    @Test func notUTF8OrNULIsAnError() throws {
        let bad = try #require(throws: ConfigError.self) { try NodeConfig.parse(Data([0x61, 0x20, 0x3D, 0xFF]), fileName: "c.toml") }
        #expect(bad.description == "c.toml: not valid UTF-8")
        let nul = try #require(throws: ConfigError.self) { try parseConfig("a = 1\nb = \"x\0y\"\n") }
        #expect(nul.line == 2)
    }

    @Test func missingFileNamesIt() throws {
        let error = try #require(throws: ConfigError.self) { try NodeConfig.load(contentsOf: "/nonexistent/config.toml") }
        #expect(error.description.hasPrefix("/nonexistent/config.toml: cannot read"))
    }

    /// Loading never crashes: every prefix of a real file, and random bytes and random TOML-ish
    /// text, either load or throw a `ConfigError`.
    @Test func neverCrashesOnTruncationsOrGarbage() {
        var config = NodeConfig()
        config.p2p.persistentPeers = [PeerAddress(id: Self.peerA, host: "10.0.0.1", port: 26656)]
        let bytes = Array(config.render().utf8)
        // Cuts around every line break (where TOML's structure changes) and every few bytes between.
        let lineEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        let cuts = Set(lineEnds.flatMap { [$0 - 1, $0, $0 + 1, $0 + 2] } + Array(stride(from: 0, through: bytes.count, by: 5)))
        for length in cuts where (0...bytes.count).contains(length) {
            _ = try? NodeConfig.parse(Data(bytes[0..<length]), fileName: "config.toml")
        }
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("[]=\"'.,:#\n \t{}0123456789abcxyz_-tcp://@\\u\u{0}é")
        for _ in 0..<1000 {
            let count = Int.random(in: 0..<200, using: &generator)
            if Bool.random(using: &generator) {
                let garbage = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? NodeConfig.parse(Data(garbage), fileName: "config.toml")
            } else {
                let text = String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
                _ = try? NodeConfig.parse(Data(text.utf8), fileName: "config.toml")
            }
        }
        // Mutations of the real file: one byte replaced.
        for _ in 0..<500 {
            var mutated = bytes
            mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? NodeConfig.parse(Data(mutated), fileName: "config.toml")
        }
    }
}

/// Inputs that trip toml++'s assertions (found by fuzzing) are refused before it sees them.
@Suite("Config: TOML parser guard")
struct ConfigPreflightTests {
    @Test(arguments: [
        ("[=]\n", 1), ("a = 1\n[[[x]]]\n", 2), ("a = 1\n\n[\n", 3), ("[ #\n", 1), ("x = [}true[[a]]", 1),
        ("x = [\n  1,\n  }\n]\n", 3), ("x = [{a = [}]}]\n", 1), ("a = 1\nx = [[\u{2028}1]]\n", 2),
    ])
    func refusedWithTheirLine(text: String, line: Int) throws {
        let error = try #require(throws: ConfigError.self) { try parseConfig(text) }
        #expect(error.line == line)
        #expect(error.description.hasPrefix("config.toml:\(line): TOML syntax"))
    }

    @Test(arguments: [
        "x = \"[}\"\n[rpc]\n", "x = '''\n[=\n'''\n", "x = [\n  [1, 2],\n  [3],\n]\n", "x = [{a = 1}, {b = 2}]\n",
        "# [=]\n[\"quoted\"]\na = 1\n", "x = \"\"\"a\\\n[=]\"\"\"\n", "[ a . b ]\nc = 1\n", "[[arr]]\n[[arr]]\n",
    ])
    func validTOMLStillParses(text: String) throws {
        #expect(throws: Never.self) { try parseConfig(text) }
    }
}
