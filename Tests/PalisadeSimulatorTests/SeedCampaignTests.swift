import PalisadeSimulator
import Testing

/// The simulator's main claim: across every fault mix with Byzantine stake below 1/3, no seed
/// breaks agreement, validity, the double-sign rule, evidence or liveness, and no honest node
/// halts. 8 mixes × 80 seeds (640), sized for a debug build on two cores.
@Suite("Seed campaign")
struct SeedCampaignTests {
    static let seedsPerMix = 80

    @Test("zero violations", arguments: Scenario.faultMixes)
    func zeroViolations(scenario: Scenario) async {
        let options = Campaign.Options(from: 1_000, count: Self.seedsPerMix, scenario: scenario, heights: 3, workers: 1)
        let summary = await Campaign.run(options)
        #expect(summary.seedsRun == Self.seedsPerMix)
        for failure in summary.failures {
            Issue.record("""
                seed \(failure.seed) \(scenario): \(failure.violations.map(String.init(describing:)).joined(separator: "; "))
                reproduce: \(failure.reproduction)
                \(failure.traceTail.suffix(15).joined(separator: "\n"))
                """)
        }
        #expect(summary.heightsDecided >= Int64(Self.seedsPerMix) * 3)
    }

    /// More than 1/3 Byzantine (twins on both sides of an honest partition): if the checker
    /// finds no fork here it is blind, whatever the other tests say.
    @Test("negative control: forks are found")
    func negativeControl() async {
        let seeds = 20
        let options = Campaign.Options(from: 500, count: seeds, scenario: .negativeControl, heights: 2, workers: 1)
        let summary = await Campaign.run(options)
        #expect(summary.forkedSeeds * 4 >= seeds, "forks in \(summary.forkedSeeds) of \(seeds) seeds")
    }
}
