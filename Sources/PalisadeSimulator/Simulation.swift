import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes

/// One deterministic run: every validator's consensus core in this process, simulated time, no
/// threads. `seed` fixes everything: the plan, the network's choices, the app's delays. The
/// loop pops the earliest event, lets the affected node handle it, and stops once every honest
/// validator decided the target height (or the liveness deadline passed); the checker then
/// judges the observations.
public final class Simulation {
    public let seed: UInt64
    public let plan: ScenarioPlan
    public let targetHeight: Int64
    public let config: TimeoutConfig
    public let chainID = "palisade-sim"
    /// Simulated time 0 as a wall-clock timestamp (what votes and blocks carry).
    static let genesisTime = Timestamp(seconds: 1_767_225_600)  // 2026-01-01T00:00:00Z

    var now: SimTime = 0
    var queue = EventQueue<SimulationEvent>()
    var networkRandom: SimulationRandom
    var appRandom: SimulationRandom
    var app: FakeApplication
    let directory: ValidatorDirectory
    var nodes: [SimulatedNode] = []
    public internal(set) var observations = Observations()
    public internal(set) var trace: Trace
    var nextMessageID = 0
    /// earliestArrival[id * endpoints + endpoint]: when that endpoint first gets message `id`
    /// (message ids are dense, so a flat array serves).
    var earliestArrival: [SimTime] = []
    /// Every message an honest endpoint sent or received, by height: what peers re-gossip to a
    /// restarted node.
    var archive: [Int64: [Envelope]] = [:]
    var archived: Set<Int> = []
    var signatureValid: [Int: Bool] = [:]
    var honestAtTarget: Set<Int> = []
    public internal(set) var eventCount = 0
    /// Events beyond this end a run (a livelock guard); the checker then reports liveness.
    public var eventBudget = 20_000_000

    public init(seed: UInt64, scenario: Scenario, validators: Int? = nil, heights: Int64 = 3,
                config: TimeoutConfig = TimeoutConfig(), keepTrace: Bool = false) {
        self.seed = seed
        self.plan = ScenarioPlan(scenario: scenario, seed: seed, validators: validators)
        self.targetHeight = heights
        self.config = config
        self.networkRandom = SimulationRandom(seed: seed, stream: .network)
        self.appRandom = SimulationRandom(seed: seed, stream: .application)
        self.app = FakeApplication(seed: seed)
        self.trace = Trace(keepAll: keepTrace)
        self.directory = ValidatorDirectory(seed: seed, powers: plan.powers)
        for (endpoint, validator) in plan.endpointValidator.enumerated() {
            nodes.append(SimulatedNode(endpoint: endpoint, validator: validator, key: directory.keys[validator],
                                       chainID: chainID, behaviour: plan.byzantine[validator],
                                       variant: endpoint == validator ? 0 : 1))
        }
        for node in nodes {
            node.core = ConsensusState(chainID: chainID, validatorAddress: node.address, config: config)
        }
    }

    /// The time by which every honest validator must have decided the target height: from
    /// stabilisation, a generous bound per height (ten rounds of all three timeouts plus four
    /// message delays each, and the commit wait).
    public var livenessDeadline: SimTime {
        var perHeight = config.timeoutCommit
        for round in Int32(0)..<10 {
            perHeight += config.duration(.propose, round: round) + config.duration(.prevote, round: round)
                + config.duration(.precommit, round: round) + 4 * plan.network.delta
        }
        return plan.stabilisation + targetHeight * perHeight
    }

    public var checker: SafetyChecker {
        let directory = directory
        let app = app
        return SafetyChecker(
            honest: plan.honest,
            proposer: { directory.proposer(height: $0, round: $1) },
            isValid: { app.isValid($0, height: $1) },
            liveness: plan.scenario.promisesLiveness ? (targetHeight, livenessDeadline) : nil)
    }

    /// Runs to the end and checks every invariant.
    public func run() -> SimulationResult {
        record("plan seed=\(seed) \(plan)")
        for node in nodes {
            queue.schedule(at: 0, .startHeight(endpoint: node.endpoint, incarnation: 0, height: 1))
        }
        for crash in plan.crashes {
            queue.schedule(at: crash.at, .crash(endpoint: crash.validator, amnesia: false, downFor: crash.downFor,
                                                afterDirectives: crash.afterDirectives))
        }
        for (validator, behaviour) in plan.byzantine.sorted(by: { $0.key < $1.key }) {
            if case let .amnesia(at, downFor) = behaviour {
                queue.schedule(at: at, .crash(endpoint: validator, amnesia: true, downFor: downFor, afterDirectives: 0))
            }
        }
        if plan.network.gst > 0 { queue.schedule(at: plan.network.gst, .globalStabilisation) }

        let stop = livenessDeadline + 1
        let honestCount = plan.honest.count
        while let (time, event) = queue.pop() {
            if time > stop || eventCount >= eventBudget { break }
            now = time
            eventCount += 1
            dispatch(event)
            if honestAtTarget.count == honestCount { break }
        }
        record("end events=\(eventCount)")
        let violations = checker.check(observations)
        for violation in violations { record("VIOLATION \(violation)") }
        return SimulationResult(seed: seed, scenario: plan.scenario, validators: plan.validatorCount,
                                targetHeight: targetHeight, simulatedTime: now, events: eventCount,
                                heightsDecided: plan.honest.map { observations.decidedHeight($0) }.min() ?? 0,
                                violations: violations, traceHash: trace.hash, traceTail: trace.lastLines,
                                traceLines: trace.allLines, planDescription: plan.description)
    }

    private func dispatch(_ event: SimulationEvent) {
        switch event {
        case let .deliver(to, envelope):
            receive(envelope, at: nodes[to])
        case let .timeout(endpoint, incarnation, timeout):
            let node = nodes[endpoint]
            guard node.isAlive, node.incarnation == incarnation else { return }
            record("n\(endpoint) fire \(timeout)")
            feed(node, .timeout(timeout, now: timestamp))
        case let .proposalValue(endpoint, incarnation, height, round, block):
            let node = nodes[endpoint]
            guard node.isAlive, node.incarnation == incarnation, node.height == height else { return }
            record("n\(endpoint) app built h=\(height) r=\(round) \(block.traceName)")
            feed(node, .proposalValue(height: height, round: round, blockID: block, now: timestamp))
        case let .proposalValidity(endpoint, incarnation, height, round, block, valid):
            let node = nodes[endpoint]
            guard node.isAlive, node.incarnation == incarnation, node.height == height else { return }
            record("n\(endpoint) app judged h=\(height) r=\(round) \(block.traceName) valid=\(valid)")
            feed(node, .proposalValidity(height: height, round: round, blockID: block, valid: valid, now: timestamp))
        case let .startHeight(endpoint, incarnation, height):
            let node = nodes[endpoint]
            guard node.isAlive, node.incarnation == incarnation, node.height < height else { return }
            startHeight(node, height)
        case let .crash(endpoint, amnesia, downFor, afterDirectives):
            let node = nodes[endpoint]
            guard node.isAlive else { return }
            if afterDirectives > 0 {
                record("n\(endpoint) crash armed: after \(afterDirectives) more directives")
                node.armedCrash = (afterDirectives, downFor)
            } else {
                crash(node, amnesia: amnesia, downFor: downFor)
            }
        case let .restart(endpoint):
            restart(nodes[endpoint])
        case .globalStabilisation:
            record("GST")
        }
    }

    func crash(_ node: SimulatedNode, amnesia: Bool, downFor: SimTime) {
        record("n\(node.endpoint) CRASH\(amnesia ? " with amnesia" : "") for \(downFor)ms")
        node.crash(amnesia: amnesia)
        queue.schedule(at: now + downFor, .restart(endpoint: node.endpoint))
    }

    var timestamp: Timestamp { Self.genesisTime.adding(milliseconds: now) }

    func record(_ text: @autoclosure () -> String) {
        trace.record(now, text())
    }
}
