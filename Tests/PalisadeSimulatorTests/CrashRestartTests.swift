import PalisadeSimulator
import Testing

@Suite("Crash and restart")
struct CrashRestartTests {
    /// Validators that crash (losing everything but WAL, signer record and block store) replay
    /// their WAL and still reach the target height with everyone else.
    @Test("crashed validators reach the target height", arguments: UInt64(0)..<8)
    func reachesTarget(seed: UInt64) {
        let simulation = Simulation(seed: seed, scenario: .crash, heights: 3)
        #expect(!simulation.plan.crashes.isEmpty)
        let result = simulation.run()
        #expect(result.violations.isEmpty, "\(result.violations) — \(result.reproduction)")
        #expect(result.heightsDecided >= 3)
        for crash in simulation.plan.crashes {
            #expect(simulation.observations.decidedHeight(crash.validator) >= 3)
        }
    }

    @Test("amnesia is a Byzantine fault the checker does not blame on honest nodes")
    func amnesiaIsByzantine() throws {
        // Find a byzantine-scenario seed with an amnesiac validator; it must stay outside the honest set.
        let seed = (UInt64(0)..<200).first { seed in
            ScenarioPlan(scenario: .byzantine, seed: seed).byzantine.values.contains {
                if case .amnesia = $0 { return true }
                return false
            }
        }
        let found = try #require(seed)
        let simulation = Simulation(seed: found, scenario: .byzantine, heights: 2)
        let result = simulation.run()
        #expect(result.violations.isEmpty, "\(result.violations) — \(result.reproduction)")
    }
}
