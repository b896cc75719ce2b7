import PalisadeSimulator
import Testing

@Suite("Determinism")
struct DeterminismTests {
    @Test("one seed, one trace", arguments: [Scenario.mixed, .byzantine, .crash, .fullRestart])
    func sameSeedSameTrace(scenario: Scenario) async {
        let first = await Simulation(seed: 42, scenario: scenario, heights: 2).run()
        let second = await Simulation(seed: 42, scenario: scenario, heights: 2).run()
        #expect(first.traceHash == second.traceHash)
        #expect(first.events == second.events)
        #expect(first.simulatedTime == second.simulatedTime)
    }

    @Test("different seeds, different traces")
    func differentSeedsDiffer() async {
        var hashes: [String] = []
        for seed in UInt64(0)..<6 { hashes.append(await Simulation(seed: seed, scenario: .lossy, heights: 1).run().traceHash) }
        #expect(Set(hashes).count == hashes.count)
    }

    @Test("a full trace hashes like the tail-only run")
    func keepTraceDoesNotChangeRun() async {
        let quiet = await Simulation(seed: 7, scenario: .partition, heights: 1).run()
        let full = await Simulation(seed: 7, scenario: .partition, heights: 1, keepTrace: true).run()
        #expect(quiet.traceHash == full.traceHash)
        #expect(full.traceLines.count > 10)
        #expect(full.traceLines.suffix(quiet.traceTail.count) == ArraySlice(quiet.traceTail))
    }

    @Test("the reproduction line replays the campaign's run")
    func reproductionReplays() async {
        let options = Campaign.Options(from: 3, count: 1, heights: 1)
        let original = await Campaign.run(seed: 3, options: options)
        let replay = await Simulation(seed: original.seed, scenario: original.scenario, validators: original.validators,
                                      heights: original.targetHeight).run()
        #expect(replay.traceHash == original.traceHash)
        #expect(original.reproduction.contains("--seed 3 --validators \(original.validators) --scenario \(original.scenario)"))
    }
}
