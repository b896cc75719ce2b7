import Foundation
import PalisadeP2P
import PalisadeTypes
import Testing
@testable import PalisadeNode

@Suite("Config: testnet")
struct ConfigTestnetTests {
    @Test func writesPeeredHomesWithOneGenesisAndDistinctPorts() throws {
        try withTemporaryDirectory { dir in
            var plan = TestnetPlan()
            plan.validators = 4
            plan.chainID = "localnet"
            plan.powers = [10, 20, 30, 40]
            plan.timeoutCommit = 500
            var generator = SeededGenerator(seed: 3)
            let written = try plan.write(to: dir, genesisTime: Timestamp(seconds: 1_700_000_000), using: &generator)
            #expect(written.map(\.root) == (0..<4).map { "\(dir)/node\($0)" })

            let homes = try written.map { try NodeHome(root: $0.root).load() }
            let genesisBytes = try homes.map { try Data(contentsOf: URL(fileURLWithPath: $0.home.genesisFile)) }
            #expect(Set(genesisBytes).count == 1)
            let genesis = homes[0].genesis
            #expect(genesis.chainID == "localnet")
            #expect(genesis.validators.map(\.power) == [10, 20, 30, 40])
            #expect(genesis.validators.map(\.name) == ["node0", "node1", "node2", "node3"])
            for (i, home) in homes.enumerated() {
                #expect(home.warnings.isEmpty)
                #expect(home.config.moniker == "node\(i)")
                #expect(home.genesis.validators[i].publicKey == home.privValidatorKey.publicKey)
                #expect(home.config.consensus.timeoutCommit == 500)
                #expect(home.config.p2p.laddr == ListenAddress(host: "127.0.0.1", port: 26656 + 10 * i))
                #expect(home.config.rpc.laddr == ListenAddress(host: "127.0.0.1", port: 26657 + 10 * i))
                let expectedPeers = homes.indices.filter { $0 != i }.map {
                    PeerAddress(id: homes[$0].nodeKey.id, host: "127.0.0.1", port: 26656 + 10 * $0)
                }
                #expect(home.config.p2p.persistentPeers == expectedPeers)
            }
            let ports = homes.flatMap { [$0.config.p2p.laddr.port, $0.config.rpc.laddr.port] }
            #expect(Set(ports).count == 8)
            #expect(Set(homes.map(\.nodeKey.id)).count == 4)
            #expect(Set(homes.map(\.privValidatorKey.address)).count == 4)

            // A second run into the same directory refuses before touching anything.
            var again = SeededGenerator(seed: 4)
            #expect(throws: NodeHomeError.self) {
                try plan.write(to: dir, genesisTime: Timestamp(seconds: 1), using: &again)
            }
            #expect(try NodeHome(root: dir + "/node0").load().privValidatorKey == homes[0].privValidatorKey)
        }
    }

    @Test func defaultStakesAndPerNodeAppPorts() {
        var plan = TestnetPlan()
        plan.validators = 3
        plan.proxyApp = .tcp(ListenAddress(host: "127.0.0.1", port: 26658))
        #expect(throws: Never.self) { try plan.validate() }
        #expect(plan.config(node: 2, nodeIDs: []).proxyApp == .tcp(ListenAddress(host: "127.0.0.1", port: 26678)))
    }

    @Test func refusesPlansThatCannotWork() {
        var collide = TestnetPlan()
        collide.portStep = 1
        #expect(throws: TestnetPlan.PlanError.self) { try collide.validate() }
        var powers = TestnetPlan()
        powers.powers = [1, 2]
        #expect(throws: TestnetPlan.PlanError(flag: "--power", reason: "2 values for 4 validators")) { try powers.validate() }
        var zero = TestnetPlan()
        zero.powers = [1, 0, 1, 1]
        #expect(throws: TestnetPlan.PlanError.self) { try zero.validate() }
        var high = TestnetPlan()
        high.p2pPort = 65_530
        #expect(throws: TestnetPlan.PlanError.self) { try high.validate() }
        var none = TestnetPlan()
        none.validators = 0
        #expect(throws: TestnetPlan.PlanError.self) { try none.validate() }
    }
}
