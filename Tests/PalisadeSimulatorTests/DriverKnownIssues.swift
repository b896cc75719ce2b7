import PalisadeSimulator
import Testing

/// How a run's violations are judged while the driver still has the liveness bugs the seeds
/// found (issue 11's restart stalls, the dropped re-proposal; see `SeedCampaignTests`): a
/// safety violation always fails the test; anything else is recorded as a known issue, with
/// the run's reproduction line and trace tail, so it shows in every test run without failing
/// it. When those bugs are fixed, drop the known-issue branch.
enum DriverKnownIssues {
    static let safetyKinds: Set<String> = ["agreement", "validity", "double-sign", "missing-evidence"]

    static func judge(_ results: [SimulationResult]) {
        var known: [String] = []
        for result in results where !result.passed {
            let text = """
                seed \(result.seed) \(result.scenario): \
                \(result.violations.prefix(4).map(String.init(describing:)).joined(separator: "; "))
                reproduce: \(result.reproduction)
                \(result.traceTail.suffix(12).joined(separator: "\n"))
                """
            if result.violations.contains(where: { safetyKinds.contains($0.kind) }) {
                Issue.record(Comment(rawValue: text))
            } else {
                known.append(text)
            }
        }
        guard !known.isEmpty else { return }
        withKnownIssue("driver liveness: issue 11's restart stalls and the dropped re-proposal", isIntermittent: true) {
            for text in known { Issue.record(Comment(rawValue: text)) }
        }
    }
}
