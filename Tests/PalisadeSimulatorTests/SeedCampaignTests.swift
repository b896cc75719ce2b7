import Foundation
import PalisadeSimulator
import Testing

/// The simulator's main claim, now about the runtime the node ships: across every fault mix
/// with Byzantine stake below 1/3, no seed breaks agreement, validity or the double-sign rule,
/// and no equivocation goes unreported.
///
/// Liveness is checked too, but the driver does not yet meet it: the seeds found the restart
/// stalls of issue 11 (decided or locked blocks whose bytes no WAL kept, a WAL without an
/// end-of-height marker replayed into a height the store has passed, signer refusals after a
/// restart) and a re-proposal of the valid value being dropped as a duplicate of the round it
/// was first proposed in. Those failures are recorded as known issues, each with its
/// reproduction line, so that the suite shows them without hiding a safety violation: a fork,
/// an invalid decision or an honest double-sign always fails the test.
@Suite("Seed campaign")
struct SeedCampaignTests {
    /// 80 per mix (640 seeds) takes far longer than the suite's budget in a debug build, so the
    /// default here is 10 per mix; `PALISADE_SIM_SEEDS_PER_MIX=80 swift test ...` runs the full
    /// campaign, and `Scripts/simulate --seeds 640` runs it in release.
    static let seedsPerMix = Int(ProcessInfo.processInfo.environment["PALISADE_SIM_SEEDS_PER_MIX"] ?? "") ?? 10

    @Test("no safety violation; liveness failures are the driver's known bugs", arguments: Scenario.faultMixes)
    func zeroViolations(scenario: Scenario) async {
        let options = Campaign.Options(from: 1_000, count: Self.seedsPerMix, scenario: scenario, heights: 3, workers: 2)
        let summary = await Campaign.run(options)
        #expect(summary.seedsRun == Self.seedsPerMix)
        DriverKnownIssues.judge(summary.failures)
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
