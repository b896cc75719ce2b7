/// The concrete faults of one seed: who is Byzantine and how, which honest validators crash
/// when, and the network. Built once from the seed, before the run, so the trace header can
/// print it and a reader can see the whole fault mix at a glance.
public struct ScenarioPlan: Sendable, CustomStringConvertible {
    public var scenario: Scenario
    public var powers: [Int64]
    public var byzantine: [Int: ByzantineBehaviour]
    /// endpointValidator[e]: the validator endpoint `e` signs as. Endpoints 0..<N are the
    /// validators; a twin's second instance is an extra endpoint after them.
    public var endpointValidator: [Int]
    /// Crashes of honest endpoints (each keeps its WAL's synced records, its signer record and
    /// its block store); one crash of every endpoint at once is a full restart.
    public var crashes: [Crash]
    public var network: NetworkModel
    /// Blocks near `block.max_bytes`: the genesis allows `maxBlockBytes`, and every mempool
    /// starts with transactions that fill a block to nearly that.
    public var maxBlockBytes: Int64?
    /// Restarts may give a validator an app behind its store (a fresh one, or one some heights
    /// back), which the handshake must replay.
    public var appBehindOnRestart: Bool
    /// The height the run drives every honest validator to (a long offline stretch needs more).
    public var targetHeight: Int64?

    public struct Crash: Sendable, Hashable, CustomStringConvertible {
        /// Endpoints that crash together; all of them for a full restart.
        public var endpoints: [Int]
        public var at: SimTime
        public var downFor: SimTime
        /// 0: between two events; k > 0: the first endpoint dies at its k-th port call from `at`
        /// on, in the middle of an event, and the others with it.
        public var afterPortCalls: Int
        /// Offline stretch: back only once the other honest validators decided this height.
        public var untilHeight: Int64?

        public var validator: Int { endpoints.first ?? 0 }

        public var description: String {
            let who = endpoints.count == 1 ? "v\(endpoints[0])" : "all \(endpoints.count)"
            let mid = afterPortCalls > 0 ? " +\(afterPortCalls) port calls" : ""
            let back = untilHeight.map { " until h=\($0)" } ?? " for \(downFor)ms"
            return "crash(\(who) at \(at)ms\(mid)\(back))"
        }
    }

    public var validatorCount: Int { powers.count }
    public var honest: Set<Int> { Set(powers.indices).subtracting(byzantine.keys) }
    public var totalPower: Int64 { powers.reduce(0, +) }
    public var byzantinePower: Int64 { byzantine.keys.reduce(0) { $0 + powers[$1] } }

    /// The time from which liveness is owed: GST, or the last planned restart if later (an
    /// offline stretch's end is known only in the run, which adds it).
    public var stabilisation: SimTime {
        crashes.reduce(network.gst) { max($0, $1.at + $1.downFor) }
    }

    /// The crashes that take every validator down at once.
    public var fullRestarts: [Crash] { crashes.filter { $0.endpoints.count > 1 } }

    public var description: String {
        var parts = ["\(scenario) N=\(validatorCount) powers=\(powers) byz=\(byzantinePower)/\(totalPower)"]
        parts += byzantine.sorted { $0.key < $1.key }.map { "v\($0.key):\($0.value)" }
        parts += crashes.map(\.description)
        if let maxBlockBytes { parts.append("max_bytes=\(maxBlockBytes)") }
        if appBehindOnRestart { parts.append("app-behind-on-restart") }
        parts.append(network.description)
        return parts.joined(separator: " ")
    }

    /// Draws the plan for `scenario` from `seed`. `validators` fixes N instead of drawing 4…10.
    public init(scenario: Scenario, seed: UInt64, validators: Int? = nil) {
        var rng = SimulationRandom(seed: seed, stream: .scenario)
        self.scenario = scenario
        // Always drawn, then overridden, so `--validators N` with the drawn N replays the same run.
        let drawn = Int(rng.int(in: 4...10))
        let count = max(1, validators ?? drawn)
        powers = (0..<count).map { _ in rng.int(in: 1...100) }
        byzantine = [:]
        crashes = []
        endpointValidator = Array(0..<count)
        maxBlockBytes = nil
        appBehindOnRestart = false
        targetHeight = nil

        let total = powers.reduce(0, +)
        var gst: SimTime = 0
        let delta = rng.int(in: 50...300)
        var twinSides: [Int: (Set<Int>, Set<Int>)] = [:]
        var honestSplit: (Set<Int>, Set<Int>)?

        switch scenario {
        case .clean, .lossy, .partition, .crash, .fullRestart, .offline:
            gst = scenario == .clean || scenario == .offline ? 0 : rng.int(in: 3_000...15_000)
        case .byzantine, .mixed:
            gst = scenario == .byzantine ? rng.int(in: 0...10_000) : rng.int(in: 5_000...20_000)
            byzantine = Self.drawByzantineBelowThird(powers: powers, total: total, gst: gst, rng: &rng)
        case .negativeControl:
            gst = rng.int(in: 20_000...40_000)
            let (byz, sideA, sideB) = Self.drawByzantineAboveThird(powers: powers, total: total, rng: &rng)
            for v in byz { byzantine[v] = .twins }
            honestSplit = (sideA, sideB)
        }

        // Second instances of twins, and which honest endpoints each instance is linked to.
        let honestValidators = Set(0..<count).subtracting(byzantine.keys)
        for v in byzantine.keys.sorted() where byzantine[v] == .twins {
            endpointValidator.append(v)
            if let (a, b) = honestSplit {
                twinSides[v] = (a, b)
            } else {
                var shuffled = honestValidators.sorted()
                rng.shuffle(&shuffled)
                let cut = max(1, shuffled.count / 2)
                twinSides[v] = (Set(shuffled[..<cut]), Set(shuffled[cut...]))
            }
        }

        network = NetworkModel(endpoints: endpointValidator.count, delta: delta, gst: gst, rng: &rng)
        applyTwinTopology(twinSides)

        if scenario == .lossy || scenario == .mixed {
            network.dropProbability = Double(rng.int(in: 1...5)) / 100
            network.jitter = .exponential(mean: rng.int(in: 100...800), cap: 5_000)
        } else if scenario != .clean {
            network.jitter = .uniform(max: rng.int(in: delta...1_000))
        }
        if scenario == .partition || scenario == .mixed {
            drawPartitions(gst: gst, rng: &rng)
        }
        if let (a, b) = honestSplit {
            network.partitions.append(Partition(start: 0, end: gst, senders: a, receivers: b, symmetric: true))
        }
        if scenario == .crash || scenario == .mixed {
            let honestSorted = honestValidators.sorted()
            let crashCount = Int(rng.int(in: 1...Int64(max(1, count / 2))))
            for _ in 0..<crashCount where !honestSorted.isEmpty {
                let victim = honestSorted[rng.index(below: honestSorted.count)]
                // Early enough to land while the first heights are still running.
                crashes.append(Crash(endpoints: [victim], at: rng.int(in: 0...min(4_000, max(0, gst))),
                                     downFor: rng.int(in: 100...4_000),
                                     afterPortCalls: rng.chance(0.5) ? Int(rng.int(in: 1...6)) : 0))
            }
            appBehindOnRestart = rng.chance(0.5)
        }
        if scenario == .fullRestart {
            // Anywhere from before the first block to a few heights in; a second one sometimes.
            var at = rng.int(in: 0...6_000)
            for _ in 0..<rng.int(in: 1...2) {
                crashes.append(Crash(endpoints: Array(endpointValidator.indices), at: at, downFor: rng.int(in: 100...3_000),
                                     afterPortCalls: rng.chance(0.7) ? Int(rng.int(in: 1...12)) : 0))
                at += rng.int(in: 4_000...12_000)
            }
            appBehindOnRestart = rng.chance(0.7)
        }
        // The lightest validator: the others keep more than 2/3 of the power while it is away.
        if scenario == .offline,
           let victim = honestValidators.sorted().min(by: { powers[$0] < powers[$1] }), powers[victim] * 3 < total {
            let until = rng.int(in: 8...20)
            crashes.append(Crash(endpoints: [victim], at: rng.int(in: 0...2_000), downFor: 0, afterPortCalls: 0,
                                 untilHeight: until))
            targetHeight = until + 2
        }
        if [.clean, .lossy, .crash, .fullRestart, .offline].contains(scenario), rng.chance(0.2) {
            // One to three block parts (64 KiB each).
            maxBlockBytes = rng.int(in: 30_000...150_000)
        }
    }

    private mutating func applyTwinTopology(_ sides: [Int: (Set<Int>, Set<Int>)]) {
        // Both instances of every twin pair of one side are linked with each other too.
        var sideOf: [Int: Int] = [:]  // endpoint -> 0/1 for twin endpoints
        for (v, _) in sides {
            sideOf[v] = 0
            if let second = endpointValidator.indices.last(where: { endpointValidator[$0] == v && $0 != v }) {
                sideOf[second] = 1
            }
        }
        for twin in sideOf.keys {
            let side = sideOf[twin] ?? 0
            guard let pair = sides[endpointValidator[twin]] else { continue }
            let allowed = side == 0 ? pair.0 : pair.1
            for other in endpointValidator.indices where other != twin {
                let ok: Bool
                if let otherSide = sideOf[other] { ok = otherSide == side } else { ok = allowed.contains(other) }
                network.linked[twin][other] = ok
                network.linked[other][twin] = ok
            }
        }
    }

    private mutating func drawPartitions(gst: SimTime, rng: inout SimulationRandom) {
        guard gst > 0 else { return }
        let endpoints = endpointValidator.count
        for _ in 0..<rng.int(in: 1...3) {
            var order = Array(0..<endpoints)
            rng.shuffle(&order)
            let size = rng.index(below: max(1, endpoints / 2)) + 1
            let group = Set(order[..<size])
            let rest = Set(order[size...])
            let start = rng.int(in: 0...gst)
            let end = min(gst, start + rng.int(in: 500...max(500, gst)))
            switch rng.index(below: 3) {
            case 0: network.partitions.append(Partition(start: start, end: end, senders: group, receivers: rest, symmetric: true))
            case 1: network.partitions.append(Partition(start: start, end: end, senders: group, receivers: rest, symmetric: false))
            default: network.partitions.append(Partition(start: start, end: end, senders: rest, receivers: group, symmetric: false))
            }
        }
    }
}
