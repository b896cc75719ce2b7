import PalisadeCrypto
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

    @Test("the signer refuses regressions and conflicts and re-signs identical bytes")
    func signerGuard() throws {
        let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32)))
        var signer = SimulatedSigner(key: key, chainID: "c")
        func vote(_ type: VoteType, _ round: Int32, _ tag: UInt8) -> Vote {
            let block = tag == 0 ? BlockID.zero : BlockID(hash: Bytes(repeating: tag, count: 32),
                                                          partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: tag, count: 32)))
            return Vote(type: type, height: 1, round: round, blockID: block, timestamp: Timestamp(seconds: 5),
                        validatorAddress: key.publicKey.address, validatorIndex: 0)
        }
        guard case .signed(let signature) = signer.sign(vote(.prevote, 1, 1)) else { Issue.record("first sign"); return }
        guard case .resigned(let again) = signer.sign(vote(.prevote, 1, 1)) else { Issue.record("re-sign"); return }
        #expect(signature == again)
        guard case .conflict = signer.sign(vote(.prevote, 1, 2)) else { Issue.record("conflict"); return }
        guard case .regression = signer.sign(vote(.precommit, 0, 1)) else { Issue.record("older round"); return }
        guard case .signed = signer.sign(vote(.precommit, 1, 0)) else { Issue.record("next step"); return }
        guard case .regression = signer.sign(vote(.prevote, 1, 1)) else { Issue.record("older step"); return }
    }

    @Test("after GST every message arrives within Δ; before, a lost one is retransmitted at GST")
    func networkBound() {
        var rng = SimulationRandom(seed: 3)
        var network = NetworkModel(endpoints: 3, delta: 200, gst: 10_000, rng: &rng)
        network.dropProbability = 1
        network.partitions = [Partition(start: 0, end: 5_000, senders: [0], receivers: [1], symmetric: false)]
        for _ in 0..<200 {
            let early = network.arrivals(from: 0, to: 1, at: 100, rng: &rng)
            #expect(early.allSatisfy { (10_000...10_201).contains($0) })
            let late = network.arrivals(from: 1, to: 0, at: 20_000, rng: &rng)
            #expect(late.allSatisfy { (20_000...20_201).contains($0) })
        }
        network.linked[2][0] = false
        #expect(network.arrivals(from: 2, to: 0, at: 20_000, rng: &rng).isEmpty)
    }

    @Test("Byzantine stake stays below 1/3 in the honest mixes and above it in the negative control")
    func byzantineStake() {
        for seed in UInt64(0)..<200 {
            for scenario in [Scenario.byzantine, .mixed] {
                let plan = ScenarioPlan(scenario: scenario, seed: seed)
                #expect(plan.byzantinePower * 3 < plan.totalPower)
                #expect((4...10).contains(plan.validatorCount))
            }
            let control = ScenarioPlan(scenario: .negativeControl, seed: seed)
            #expect(control.byzantinePower * 3 > control.totalPower)
        }
    }
}
