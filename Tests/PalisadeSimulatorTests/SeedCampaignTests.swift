import Foundation
import PalisadeSimulator
import Testing

/// The simulator's main claim, about the runtime the node ships: across every fault mix with
/// Byzantine stake below 1/3 (the full restarts and long outages included), no seed breaks
/// agreement, validity, the double-sign rule or liveness, no equivocation goes unreported, and
/// no honest node halts.
@Suite("Seed campaign")
struct SeedCampaignTests {
    /// 75 per mix, 600 seeds over the eight mixes; `PALISADE_SIM_SEEDS_PER_MIX` changes it, and
    /// `Scripts/simulate --seeds N` runs large campaigns in release.
    static let seedsPerMix = Int(ProcessInfo.processInfo.environment["PALISADE_SIM_SEEDS_PER_MIX"] ?? "") ?? 75

    @Test("zero violations", arguments: Scenario.faultMixes)
    func zeroViolations(scenario: Scenario) async {
        let options = Campaign.Options(from: 1_000, count: Self.seedsPerMix, scenario: scenario, heights: 3, workers: 2)
        let summary = await Campaign.run(options)
        #expect(summary.seedsRun == Self.seedsPerMix)
        CampaignVerdict.expectClean(summary.failures)
    }

    /// More than 1/3 Byzantine (twins on both sides of an honest partition): if the checker
    /// finds no fork here it is blind, whatever the other tests say.
    @Test("negative control: forks are found")
    func negativeControl() async {
        let seeds = 20
        let options = Campaign.Options(from: 500, count: seeds, scenario: .negativeControl, heights: 2, workers: 2)
        let summary = await Campaign.run(options)
        #expect(summary.forkedSeeds * 4 >= seeds, "forks in \(summary.forkedSeeds) of \(seeds) seeds")
    }
}
