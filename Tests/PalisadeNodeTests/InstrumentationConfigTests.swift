import Foundation
import Testing
@testable import PalisadeNode

@Suite("Config: [instrumentation]")
struct InstrumentationConfigTests {
    @Test func defaultsAreCometBFTs() throws {
        let (config, _) = try parseConfig("")
        #expect(!config.instrumentation.prometheus)
        #expect(config.instrumentation.prometheusListenAddr == ListenAddress(host: "0.0.0.0", port: 26660))
        #expect(config.instrumentation.maxOpenConnections == 3)
        #expect(config.instrumentation.namespace == "cometbft")
    }

    @Test func readsCometBFTsSection() throws {
        let (config, warnings) = try parseConfig("""
            [instrumentation]
            prometheus = true
            prometheus_listen_addr = ":26661"
            max_open_connections = 0
            namespace = "palisade_test"
            """)
        #expect(warnings.isEmpty)
        #expect(config.instrumentation.prometheus)
        #expect(config.instrumentation.prometheusListenAddr == ListenAddress(host: "0.0.0.0", port: 26661))
        #expect(config.instrumentation.maxOpenConnections == 0)
        #expect(config.instrumentation.namespace == "palisade_test")
    }

    @Test func enabledConfigRoundTrips() throws {
        var config = NodeConfig()
        config.instrumentation.prometheus = true
        config.instrumentation.prometheusListenAddr = ListenAddress(host: "127.0.0.1", port: 9100)
        config.instrumentation.maxOpenConnections = 7
        config.instrumentation.namespace = "chain"
        let (loaded, warnings) = try parseConfig(config.render())
        #expect(warnings.isEmpty)
        #expect(loaded == config)
    }

    @Test(arguments: [
        ("prometheus_listen_addr = \"26660\"", "instrumentation.prometheus_listen_addr"),
        ("prometheus_listen_addr = \":99999\"", "instrumentation.prometheus_listen_addr"),
        ("prometheus_listen_addr = \"udp://1.2.3.4:1\"", "instrumentation.prometheus_listen_addr"),
        ("prometheus = \"yes\"", "instrumentation.prometheus"),
        ("max_open_connections = -1", "instrumentation.max_open_connections"),
        ("namespace = \"9lives\"", "instrumentation.namespace"),
        ("namespace = \"with-dash\"", "instrumentation.namespace"),
        ("namespace = \"\"", "instrumentation.namespace"),
    ])
    func badValuesNameTheKey(line: String, key: String) {
        #expect {
            _ = try parseConfig("[instrumentation]\n" + line)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == key && error.line == 2 && "\(error)".contains(key)
        }
    }

    @Test func badAddressQuotesWhatWasWritten() {
        #expect {
            _ = try parseConfig("[instrumentation]\nprometheus_listen_addr = \":port\"")
        } throws: { error in
            "\(error)".contains("\":port\"") && !"\(error)".contains("0.0.0.0")
        }
    }

    @Test func testnetGivesEachNodeItsOwnPort() throws {
        var plan = TestnetPlan()
        plan.prometheusPort = 36_660
        plan.portStep = 10
        let ports = (0..<4).map { plan.config(node: $0, nodeIDs: []).instrumentation }
        #expect(ports.allSatisfy { $0.prometheus })
        #expect(ports.map(\.prometheusListenAddr.port) == [36_660, 36_670, 36_680, 36_690])
        plan.prometheusPort = plan.rpcPort
        #expect(throws: TestnetPlan.PlanError.self) { try plan.validate() }
        #expect(!TestnetPlan().config(node: 0, nodeIDs: []).instrumentation.prometheus)
    }
}
