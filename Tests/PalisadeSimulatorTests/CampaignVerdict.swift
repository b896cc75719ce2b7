import PalisadeSimulator
import Testing

/// Every violation a run reports fails the test, with the run's reproduction line and trace
/// tail: agreement, validity, an honest double-sign, a missed equivocation, a halt, liveness
/// and a stall after a full restart alike.
enum CampaignVerdict {
    static func expectClean(_ results: [SimulationResult]) {
        for result in results where !result.passed {
            Issue.record(Comment(rawValue: """
                seed \(result.seed) \(result.scenario): \
                \(result.violations.prefix(4).map(String.init(describing:)).joined(separator: "; "))
                reproduce: \(result.reproduction)
                \(result.traceTail.suffix(12).joined(separator: "\n"))
                """))
        }
    }
}
