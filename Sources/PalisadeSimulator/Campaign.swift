import PalisadeCrypto

/// Many seeds, spread over worker tasks. A seed's run depends on nothing but the seed and the
/// options, so the order in which workers finish changes no result.
public enum Campaign {
    public struct Options: Sendable {
        public var from: UInt64
        public var count: Int
        /// nil: seed s runs `Scenario.faultMixes[s % faultMixes.count]`.
        public var scenario: Scenario?
        public var validators: Int?
        public var heights: Int64
        public var workers: Int

        public init(from: UInt64 = 0, count: Int, scenario: Scenario? = nil, validators: Int? = nil,
                    heights: Int64 = 3, workers: Int = 2) {
            self.from = from
            self.count = count
            self.scenario = scenario
            self.validators = validators
            self.heights = heights
            self.workers = workers
        }

        public func scenario(for seed: UInt64) -> Scenario {
            scenario ?? Scenario.faultMixes[Int(seed % UInt64(Scenario.faultMixes.count))]
        }
    }

    public struct Summary: Sendable {
        public var seedsRun = 0
        /// Runs with at least one violation, by seed.
        public var failures: [SimulationResult] = []
        /// Runs whose checker found a fork (what the negative control must produce).
        public var forkedSeeds = 0
        /// Heights decided by every honest validator, summed over runs.
        public var heightsDecided: Int64 = 0
        public var events = 0
        public var simulatedMilliseconds: Int64 = 0
        public var byScenario: [Scenario: Int] = [:]
        /// Each seed's trace hash, to compare two campaigns (e.g. two processes) run for run.
        public var traceHashes: [UInt64: String] = [:]

        /// SHA-256 over "seed:hash" lines in seed order: equal for equal campaigns.
        public var digest: String {
            let lines = traceHashes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)\n" }.joined()
            return SHA256Hash.digest(Bytes(lines.utf8)).hex
        }

        mutating func add(_ result: SimulationResult) {
            seedsRun += 1
            if !result.passed { failures.append(result) }
            if result.forked { forkedSeeds += 1 }
            heightsDecided += result.heightsDecided
            events += result.events
            simulatedMilliseconds += result.simulatedTime
            byScenario[result.scenario, default: 0] += 1
            traceHashes[result.seed] = result.traceHash
        }

        mutating func merge(_ part: Summary) {
            seedsRun += part.seedsRun
            failures += part.failures
            forkedSeeds += part.forkedSeeds
            heightsDecided += part.heightsDecided
            events += part.events
            simulatedMilliseconds += part.simulatedMilliseconds
            byScenario.merge(part.byScenario, uniquingKeysWith: +)
            traceHashes.merge(part.traceHashes) { first, _ in first }
        }
    }

    /// Runs one seed.
    public static func run(seed: UInt64, options: Options, keepTrace: Bool = false) async -> SimulationResult {
        await Simulation(seed: seed, scenario: options.scenario(for: seed), validators: options.validators,
                         heights: options.heights, keepTrace: keepTrace).run()
    }

    /// Runs every seed of `options` on `options.workers` concurrent tasks (each run is one task
    /// awaiting its drivers in turn); `progress` sees each result as it completes.
    public static func run(_ options: Options,
                           progress: @escaping @Sendable (SimulationResult) -> Void = { _ in }) async -> Summary {
        let workers = max(1, options.workers)
        var summary = await withTaskGroup(of: Summary.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var part = Summary()
                    var offset = worker
                    while offset < options.count {
                        let result = await run(seed: options.from + UInt64(offset), options: options)
                        part.add(result)
                        progress(result)
                        offset += workers
                    }
                    return part
                }
            }
            var total = Summary()
            for await part in group { total.merge(part) }
            return total
        }
        summary.failures.sort { $0.seed < $1.seed }
        return summary
    }
}
