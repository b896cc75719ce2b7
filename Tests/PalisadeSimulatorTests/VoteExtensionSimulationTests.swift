import PalisadeSimulator
import Testing

/// The simulator with vote extensions on from height 2: crashes (the WAL's logged precommits and
/// their extensions replayed, the last extended commit read back from the store), full restarts
/// and Byzantine validators must still produce zero violations, and the extensions must reach
/// the stores. Seeds without the option are untouched (their traces do not change).
@Suite("Vote extensions in the simulator")
struct VoteExtensionSimulationTests {
    @Test("zero violations with vote extensions enabled at height 2",
          arguments: [(Scenario.crash, UInt64(0)), (.crash, 1), (.fullRestart, 0), (.fullRestart, 1), (.byzantine, 0),
                      (.lossy, 0)])
    func extensionsEnabled(scenario: Scenario, seed: UInt64) async {
        let simulation = Simulation(seed: seed, scenario: scenario, heights: 4, voteExtensionsEnableHeight: 2)
        let result = await simulation.run()
        CampaignVerdict.expectClean([result])
        #expect(simulation.extendedCommitsStored > 0)
    }
}
