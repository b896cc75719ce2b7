import PalisadeSimulator
import Testing

@Suite("Crash and restart")
struct CrashRestartTests {
    /// Validators that crash (losing everything but the WAL's synced records, the signer record
    /// and the block store) replay their WAL and must reach the target height with everyone
    /// else, whether their app kept its state, lost it or came back behind the store.
    @Test("crashed validators reach the target height", arguments: UInt64(0)..<4)
    func reachesTarget(seed: UInt64) async {
        let simulation = Simulation(seed: seed, scenario: .crash, heights: 3)
        #expect(!simulation.plan.crashes.isEmpty)
        let result = await simulation.run()
        CampaignVerdict.expectClean([result])
        #expect(result.events > 0)
    }

    /// Every validator down at once (one of them in the middle of an event), then all back:
    /// the chain must go on within the bound after each full restart (issue 11: blocks whose bytes
    /// only memory held once froze such heights).
    @Test("the chain goes on after every validator crashed at once", arguments: UInt64(0)..<4)
    func fullRestart(seed: UInt64) async {
        let simulation = Simulation(seed: seed, scenario: .fullRestart, heights: 3)
        #expect(simulation.plan.fullRestarts.count >= 1)
        let result = await simulation.run()
        CampaignVerdict.expectClean([result])
    }

    /// One validator misses many heights, then catches up from its peers' stored blocks.
    @Test("a validator offline for many heights catches up", arguments: UInt64(0)..<3)
    func offline(seed: UInt64) async throws {
        let simulation = Simulation(seed: seed, scenario: .offline, heights: 3)
        let crash = try #require(simulation.plan.crashes.first)
        let until = try #require(crash.untilHeight)
        let result = await simulation.run()
        CampaignVerdict.expectClean([result])
        #expect(result.targetHeight == until + 2)
        if result.passed { #expect(simulation.observations.decidedHeight(crash.validator) >= until + 2) }
    }

    @Test("amnesia is a Byzantine fault the checker does not blame on honest nodes")
    func amnesiaIsByzantine() async throws {
        // Find a byzantine-scenario seed with an amnesiac validator; it must stay outside the honest set.
        let seed = (UInt64(0)..<200).first { seed in
            ScenarioPlan(scenario: .byzantine, seed: seed).byzantine.values.contains {
                if case .amnesia = $0 { return true }
                return false
            }
        }
        let found = try #require(seed)
        let simulation = Simulation(seed: found, scenario: .byzantine, heights: 2)
        let result = await simulation.run()
        CampaignVerdict.expectClean([result])
    }
}
