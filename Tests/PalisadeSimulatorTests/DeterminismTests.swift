import PalisadeSimulator
import Testing

@Suite("Determinism")
struct DeterminismTests {
    @Test("one seed, one trace", arguments: [Scenario.mixed, .byzantine, .crash])
    func sameSeedSameTrace(scenario: Scenario) {
        let first = Simulation(seed: 42, scenario: scenario, heights: 2).run()
        let second = Simulation(seed: 42, scenario: scenario, heights: 2).run()
        #expect(first.traceHash == second.traceHash)
        #expect(first.events == second.events)
        #expect(first.simulatedTime == second.simulatedTime)
    }

    @Test("different seeds, different traces")
    func differentSeedsDiffer() {
        let hashes = (0..<6).map { Simulation(seed: UInt64($0), scenario: .lossy, heights: 1).run().traceHash }
        #expect(Set(hashes).count == hashes.count)
    }

    @Test("a full trace hashes like the tail-only run")
    func keepTraceDoesNotChangeRun() {
        let quiet = Simulation(seed: 7, scenario: .partition, heights: 1).run()
        let full = Simulation(seed: 7, scenario: .partition, heights: 1, keepTrace: true).run()
        #expect(quiet.traceHash == full.traceHash)
        #expect(full.traceLines.count > 10)
        #expect(full.traceLines.suffix(quiet.traceTail.count) == ArraySlice(quiet.traceTail))
    }

    @Test("the reproduction line replays the campaign's run")
    func reproductionReplays() {
        let options = Campaign.Options(from: 3, count: 1, heights: 1)
        let original = Campaign.run(seed: 3, options: options)
        let replay = Simulation(seed: original.seed, scenario: original.scenario, validators: original.validators,
                                heights: original.targetHeight).run()
        #expect(replay.traceHash == original.traceHash)
        #expect(original.reproduction.contains("--seed 3 --validators \(original.validators) --scenario \(original.scenario)"))
    }
}
