import Foundation
import PalisadeNode
import Testing

@Suite("Config: [statesync]")
struct ConfigStateSyncTests {
    private static let valid = """
        [statesync]
        enable = true
        rpc_servers = "tcp://a:26657, tcp://b:26657"
        trust_height = 400
        trust_hash = "A1B2C3D4"
        trust_period = "24h0m0s"
        discovery_time = "20s"
        temp_dir = "tmp"
        chunk_request_timeout = "15s"
        chunk_fetchers = 8
        """

    @Test("every key is read, rendered and read back the same; the defaults are CometBFT's")
    func keysRoundTrip() throws {
        let (config, warnings) = try parseConfig(Self.valid)
        #expect(warnings.isEmpty)
        let sync = config.stateSync
        #expect(sync.enable && sync.rpcServers == ["tcp://a:26657", "tcp://b:26657"])
        #expect(sync.trustHeight == 400 && sync.trustHash == "A1B2C3D4" && sync.trustPeriod == 86_400_000)
        #expect(sync.discoveryTime == 20_000 && sync.tempDir == "tmp")
        #expect(sync.chunkRequestTimeout == 15_000 && sync.chunkFetchers == 8)
        #expect(try parseConfig(config.render()).0 == config)
        let defaults = NodeConfig.default.stateSync
        #expect(!defaults.enable && defaults.trustPeriod == 168 * 3_600_000 && defaults.discoveryTime == 15_000)
        #expect(defaults.chunkRequestTimeout == 10_000 && defaults.chunkFetchers == 4)
        #expect(try parseConfig(NodeConfig.default.render()).0 == NodeConfig.default)
    }

    @Test("an enabled section breaking CometBFT's rules is refused, naming file and key")
    func enabledSectionIsValidated() throws {
        let cases: [(replace: String, with: String, key: String)] = [
            ("rpc_servers = \"tcp://a:26657, tcp://b:26657\"", "rpc_servers = \"tcp://a:26657\"", "statesync.rpc_servers"),
            ("trust_height = 400", "trust_height = 0", "statesync.trust_height"),
            ("trust_hash = \"A1B2C3D4\"", "trust_hash = \"xyz\"", "statesync.trust_hash"),
            ("trust_hash = \"A1B2C3D4\"", "trust_hash = \"\"", "statesync.trust_hash"),
            ("trust_period = \"24h0m0s\"", "trust_period = \"0s\"", "statesync.trust_period"),
            ("discovery_time = \"20s\"", "discovery_time = \"1s\"", "statesync.discovery_time"),
            ("chunk_request_timeout = \"15s\"", "chunk_request_timeout = \"1s\"", "statesync.chunk_request_timeout"),
            ("chunk_fetchers = 8", "chunk_fetchers = 0", "statesync.chunk_fetchers"),
        ]
        for (old, new, key) in cases {
            let text = Self.valid.replacingOccurrences(of: old, with: new)
            let error = try #require(throws: ConfigError.self) { try parseConfig(text) }
            #expect(error.key == key, "\(new)")
            #expect(error.file == "config.toml")
        }
        // Disabled, the same values are not checked (CometBFT's rule).
        let disabled = Self.valid.replacingOccurrences(of: "enable = true", with: "enable = false")
            .replacingOccurrences(of: "trust_height = 400", with: "trust_height = 0")
        #expect(try parseConfig(disabled).0.stateSync.trustHeight == 0)
    }
}
