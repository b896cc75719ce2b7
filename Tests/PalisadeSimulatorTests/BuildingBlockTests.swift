import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes
import Testing
@testable import PalisadeSimulator

@Suite("Simulator building blocks")
struct BuildingBlockTests {
    @Test("the generator is a pure function of seed and stream")
    func randomIsDeterministic() {
        var a = SimulationRandom(seed: 9, stream: .network)
        var b = SimulationRandom(seed: 9, stream: .network)
        var c = SimulationRandom(seed: 9, stream: .faults)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var d = SimulationRandom(seed: 1)
        for _ in 0..<1_000 {
            let x = d.int(in: -3...3)
            #expect((-3...3).contains(x))
            #expect(d.exponential(mean: 100, cap: 500) <= 500)
        }
    }

    @Test("events at one instant fire in scheduling order")
    func queueTieBreak() {
        var queue = EventQueue<String>()
        queue.schedule(at: 5, "b")
        queue.schedule(at: 1, "a")
        queue.schedule(at: 5, "c")
        queue.schedule(at: 5, "d")
        queue.schedule(at: 2, "x")
        var order: [String] = []
        while let (_, payload) = queue.pop() { order.append(payload) }
        #expect(order == ["a", "x", "b", "c", "d"])
    }

    @Test("the memory signer refuses regressions and conflicts, re-signs identical bytes, and survives a restart")
    func signerGuard() throws {
        let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32)))
        let simulation = Simulation(seed: 1, scenario: .clean, validators: 4)
        let vault = SignerVault()
        func signer(_ incarnation: Int) -> MemoryPrivValidator {
            MemoryPrivValidator(key: key, vault: vault,
                                gate: PortGate(world: simulation.world, endpoint: 0, incarnation: incarnation),
                                validator: 0, honest: true)
        }
        simulation.world.state.withLock { $0.alive[0] = true }
        var first = signer(0)
        func vote(_ type: VoteType, _ round: Int32, _ tag: UInt8) -> Vote {
            let block = tag == 0 ? BlockID.zero : BlockID(hash: Bytes(repeating: tag, count: 32),
                                                          partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: tag, count: 32)))
            return Vote(type: type, height: 1, round: round, blockID: block, timestamp: Timestamp(seconds: 5),
                        validatorAddress: key.publicKey.address, validatorIndex: 0)
        }
        let signed = try first.signVote(vote(.prevote, 1, 1), chainID: "c")
        // A new incarnation (after a crash) shares the vault: same bytes, same signature.
        simulation.world.state.withLock { $0.incarnation[0] = 1 }
        var second = signer(1)
        #expect(try second.signVote(vote(.prevote, 1, 1), chainID: "c").signature == signed.signature)
        #expect(throws: FilePrivValidatorError.self) { try second.signVote(vote(.prevote, 1, 2), chainID: "c") }
        #expect(throws: FilePrivValidatorError.self) { try second.signVote(vote(.precommit, 0, 1), chainID: "c") }
        #expect(throws: FilePrivValidatorError.self) { try first.signVote(vote(.precommit, 1, 0), chainID: "c") }
        _ = try second.signVote(vote(.precommit, 1, 0), chainID: "c")
        vault.wipe()
        _ = try second.signVote(vote(.prevote, 1, 2), chainID: "c")
    }

    @Test("a crash keeps the WAL's synced records and a prefix of the unsynced ones")
    func logCrash() throws {
        let simulation = Simulation(seed: 1, scenario: .clean, validators: 4)
        simulation.world.state.withLock { $0.alive[0] = true }
        let log = MemoryLog(endpoint: 0)
        log.attach(PortGate(world: simulation.world, endpoint: 0, incarnation: 0))
        try log.append(.endHeight(1))
        try log.append(.endHeight(2))
        try log.sync()
        try log.append(.endHeight(3))
        try log.append(.endHeight(4))
        try log.append(.endHeight(5))
        #expect(log.crash { _ in 1 } == 2)
        #expect(log.count == 3)
        #expect(throws: WALError.self) { try log.append(.endHeight(6)) }
        #expect(try log.entries(forHeight: 4).isEmpty)
        #expect(throws: WALError.self) { try log.entries(forHeight: 6) }
    }

    @Test("after GST every message arrives within Δ, in order per link; partitions separate both ways")
    func networkBound() {
        var rng = SimulationRandom(seed: 3)
        var network = NetworkModel(endpoints: 3, delta: 200, gst: 10_000, rng: &rng)
        network.partitions = [Partition(start: 0, end: 5_000, senders: [0], receivers: [1], symmetric: false)]
        #expect(network.separated(1, 0, at: 100))
        #expect(!network.separated(1, 0, at: 6_000))
        #expect(network.separationEnd(0, 1, at: 100) == 5_000)
        for _ in 0..<200 {
            #expect((1...200).contains(network.delay(from: 1, to: 0, at: 20_000, rng: &rng)))
            #expect(network.delay(from: 1, to: 0, at: 9_990, rng: &rng) <= 210)
        }
        var links = Links(model: network, rng: rng)
        links.setUp(0, 2)
        let first = links.arrival(from: 0, to: 2, at: 20_000)
        let second = links.arrival(from: 0, to: 2, at: 20_000)
        #expect(second >= first)
        links.cut(0, 2)
        #expect(!links.isUp(2, 0) && links.epoch(2, 0) == 1)
    }

    @Test("Byzantine stake stays below 1/3 in the honest mixes and above it in the negative control")
    func byzantineStake() {
        for seed in UInt64(0)..<200 {
            for scenario in [Scenario.byzantine, .mixed] {
                let plan = ScenarioPlan(scenario: scenario, seed: seed)
                #expect(plan.byzantinePower * 3 < plan.totalPower)
                #expect((4...10).contains(plan.validatorCount))
            }
            let full = ScenarioPlan(scenario: .fullRestart, seed: seed)
            #expect(full.fullRestarts.allSatisfy { $0.endpoints.count == full.validatorCount })
            #expect(!full.fullRestarts.isEmpty)
            let control = ScenarioPlan(scenario: .negativeControl, seed: seed)
            #expect(control.byzantinePower * 3 > control.totalPower)
        }
    }
}
