import ArgumentParser
import Foundation
import PalisadeSimulator

/// `palisade simulate`: the deterministic simulator from the command line. A campaign runs many
/// seeds and exits non-zero on any violation; `--seed N --trace` replays one run line by line.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the node's consensus runtime under seeded faults: network, crashes, Byzantine validators.",
        discussion: """
            Each seed fixes a whole run: validator count (4...10 unless --validators), unequal
            stakes, faults, timings. Without --scenario, seed s runs the mix \
            \(Scenario.faultMixes.map(\.rawValue).joined(separator: "/"))[s % \(Scenario.faultMixes.count)]. The \
            negative-control scenario puts more than 1/3 of the stake in Byzantine twins: there \
            the run succeeds only if the checker finds forks.
            """)

    @Option(help: "How many seeds to run.")
    var seeds: Int = 1000

    @Option(help: "The first seed.")
    var from: UInt64 = 0

    @Option(help: "Run this one seed (implies --seeds 1).")
    var seed: UInt64?

    @Option(help: "Validator count (default: drawn from 4...10 per seed).")
    var validators: Int?

    @Option(help: "Fault mix: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: String?

    @Option(help: "Target height every honest validator must decide.")
    var heights: Int64 = 3

    @Option(help: "Worker threads (default: the number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print every line of the trace (with --seed).")
    var trace = false

    func validate() throws {
        if let scenario, Scenario(rawValue: scenario) == nil {
            throw ValidationError("unknown --scenario '\(scenario)'; one of \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let validators, !(1...1000).contains(validators) { throw ValidationError("--validators must be in 1...1000") }
        guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
        guard (1...10_000).contains(heights) else { throw ValidationError("--heights must be in 1...10000") }
        if trace && seed == nil { throw ValidationError("--trace needs --seed") }
    }

    func run() async throws {
        let chosen = scenario.flatMap(Scenario.init(rawValue:))
        var options = Campaign.Options(from: seed ?? from, count: seed == nil ? seeds : 1, scenario: chosen,
                                       validators: validators, heights: heights, workers: max(1, workers))
        if let seed {
            let result = await Campaign.run(seed: seed, options: options, keepTrace: trace)
            if trace { result.traceLines.forEach { print($0) } }
            print("seed \(seed): \(result.planDescription)")
            print("trace \(result.traceHash) (\(result.events) events, \(result.simulatedTime) ms simulated, heights decided \(result.heightsDecided))")
            try finish(violations: result.passed ? 0 : 1, forked: result.forked ? 1 : 0, runs: 1, failures: [result],
                       negativeControl: chosen == .negativeControl)
            return
        }
        options.count = seeds
        let started = ContinuousClock.now
        let reporter = ProgressReporter(total: seeds, negativeControl: chosen == .negativeControl)
        let summary = await Campaign.run(options) { reporter.completed($0) }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mix = summary.byScenario.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key)=\($0.value)" }
        print("")
        print("seeds run: \(summary.seedsRun) (\(mix.joined(separator: " ")))")
        print("campaign digest: \(summary.digest)")
        print(String(format: "seeds/second: %.1f   simulated heights/second: %.1f   elapsed: %.1f s   events: %d",
                     Double(summary.seedsRun) / seconds, Double(summary.heightsDecided) / seconds, seconds, summary.events))
        try finish(violations: summary.failures.count, forked: summary.forkedSeeds, runs: summary.seedsRun,
                   failures: summary.failures, negativeControl: chosen == .negativeControl)
    }

    private func finish(violations: Int, forked: Int, runs: Int, failures: [SimulationResult], negativeControl: Bool) throws {
        if negativeControl {
            print("negative control: the checker found a fork in \(forked) of \(runs) seeds (Byzantine stake > 1/3)")
            if forked == 0 {
                print("FAIL: no fork found with more than 1/3 Byzantine stake: the checker is broken")
                throw ExitCode.failure
            }
            return
        }
        for failure in failures where !failure.passed {
            print("")
            print("FAILED seed \(failure.seed) (\(failure.scenario), N=\(failure.validators)):")
            failure.violations.prefix(10).forEach { print("  \($0)") }
            print("  reproduce: \(failure.reproduction)")
            print("  trace tail:")
            failure.traceTail.suffix(25).forEach { print("    \($0)") }
        }
        if violations == 0 {
            print("violations: 0")
        } else {
            print("violations in \(violations) seed(s)")
            throw ExitCode.failure
        }
    }
}

/// Prints a progress line every few percent and each failing seed's reproduction at once.
private final class ProgressReporter: @unchecked Sendable {
    // @unchecked: every access to `done` holds `lock`.
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let step: Int
    private let negativeControl: Bool

    init(total: Int, negativeControl: Bool) {
        self.total = total
        self.step = max(1, total / 20)
        self.negativeControl = negativeControl
    }

    func completed(_ result: SimulationResult) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if !result.passed && !negativeControl {
            print("violation at seed \(result.seed): \(result.violations.first.map(String.init(describing:)) ?? "")")
            print("  reproduce: \(result.reproduction)")
        }
        if done % step == 0 || done == total { print("progress: \(done)/\(total) seeds") }
    }
}
