/// What one run produced: enough to summarise a campaign, and for a failure, to reproduce it.
public struct SimulationResult: Sendable {
    public var seed: UInt64
    public var scenario: Scenario
    public var validators: Int
    public var targetHeight: Int64
    public var simulatedTime: SimTime
    public var events: Int
    /// The lowest height every honest validator decided.
    public var heightsDecided: Int64
    public var violations: [Violation]
    public var traceHash: String
    public var traceTail: [String]
    /// Every line, only when the run kept the full trace.
    public var traceLines: [String]
    public var planDescription: String

    public var passed: Bool { violations.isEmpty }
    public var forked: Bool { violations.contains { $0.isAgreement } }

    /// The one-line command that replays this run.
    public var reproduction: String {
        "palisade simulate --seed \(seed) --validators \(validators) --scenario \(scenario) --heights \(targetHeight) --trace"
    }
}
