import PalisadeConsensus
import PalisadeCrypto
import PalisadeNode
import PalisadeTypes

/// One deterministic run: every validator is the node's own `ConsensusDriver`, wired to
/// simulated ports (virtual clock, TCP-like links with seeded faults, a WAL and a signer record
/// in memory whose crash loses what was not synced, the kvstore app). `seed` fixes everything.
/// The loop pops the earliest event and awaits the affected driver's `handle` to completion
/// before the next, so only one driver runs at a time and the run is a pure function of the
/// seed. It stops once every honest validator decided the target height and every planned
/// fault has played out (or the liveness deadline passed); the checker then judges.
public final class Simulation {
    public let seed: UInt64
    public let plan: ScenarioPlan
    public let targetHeight: Int64
    public let config: TimeoutConfig
    public let chainID = "palisade-sim"

    let world: SimWorld
    let directory: ValidatorDirectory
    let genesis: GenesisDoc
    var nodes: [SimulatedNode] = []
    var faultRandom: SimulationRandom
    /// Crash events planned but not yet fired; the run is not over while any are.
    var plannedCrashes = 0
    /// Endpoints of a full crash still to come back, and when every full restart completed.
    var fullRestartPending: Set<Int> = []
    var fullRestartTimes: [SimTime] = []
    /// The last time any endpoint restarted: liveness is owed from then on.
    var lastRestart: SimTime = 0
    /// Offline stretches waiting for the others to reach a height.
    var offlineUntil: [Int: Int64] = [:]
    /// A crash armed to strike inside an endpoint's event: who goes down with it, and for how long.
    var armed: [Int: ArmedCrash] = [:]
    public internal(set) var eventCount = 0
    /// Events beyond this end a run (a livelock guard); the checker then reports liveness.
    public var eventBudget = 20_000_000

    struct ArmedCrash {
        var others: [Int]
        var amnesia: Bool
        var downFor: SimTime?
    }

    /// `voteExtensionsEnableHeight` > 0 runs the seed with vote extensions from that height on
    /// (the kvstore extends and verifies them); the default, 0, leaves every seed's trace as it was.
    public init(seed: UInt64, scenario: Scenario, validators: Int? = nil, heights: Int64 = 3,
                config: TimeoutConfig = TimeoutConfig(), keepTrace: Bool = false, voteExtensionsEnableHeight: Int64 = 0) {
        self.seed = seed
        let plan = ScenarioPlan(scenario: scenario, seed: seed, validators: validators)
        self.plan = plan
        self.targetHeight = max(heights, plan.targetHeight ?? 0)
        self.config = config
        self.faultRandom = SimulationRandom(seed: seed, stream: .faults)
        let directory = ValidatorDirectory(seed: seed, powers: plan.powers)
        self.directory = directory
        var params = ConsensusParams.default
        if let maxBytes = plan.maxBlockBytes { params.block.maxBytes = maxBytes }
        params.abci.voteExtensionsEnableHeight = voteExtensionsEnableHeight
        genesis = GenesisDoc(genesisTime: SimWorld.genesisTime, chainID: chainID, consensusParams: params,
                             validators: zip(directory.keys, plan.powers).map { GenesisValidator(publicKey: $0.publicKey, power: $1) })
        let endpoints = plan.endpointValidator.count
        let state = WorldState(trace: Trace(keepAll: keepTrace),
                               links: Links(model: plan.network, rng: SimulationRandom(seed: seed, stream: .network)),
                               incarnation: Array(repeating: 0, count: endpoints),
                               alive: Array(repeating: false, count: endpoints))
        world = SimWorld(state: state, chainID: chainID, directory: directory)
        for (endpoint, validator) in plan.endpointValidator.enumerated() {
            nodes.append(SimulatedNode(endpoint: endpoint, validator: validator, key: directory.keys[validator],
                                       behaviour: plan.byzantine[validator]))
        }
    }

    /// The observations so far (after `run`, the whole run's).
    public var observations: Observations { world.state.withLock { $0.observations } }

    /// A generous bound per height: ten rounds of all three timeouts plus four message delays
    /// each, and the commit wait.
    var perHeightBound: SimTime {
        var perHeight = config.timeoutCommit
        for round in Int32(0)..<10 {
            perHeight += config.duration(.propose, round: round) + config.duration(.prevote, round: round)
                + config.duration(.precommit, round: round) + 4 * plan.network.delta
        }
        return perHeight
    }

    /// The time by which every honest validator must have decided the target height: from
    /// stabilisation (GST, or the last restart if later), the per-height bound for each height.
    public var livenessDeadline: SimTime {
        max(plan.stabilisation, lastRestart) + targetHeight * perHeightBound
    }

    func restartDeadline(_ restart: SimTime) -> SimTime {
        max(restart, plan.network.gst) + perHeightBound
    }

    public var checker: SafetyChecker {
        let directory = directory
        let invalid = world.state.withLock { $0.invalidBlocks }
        return SafetyChecker(
            honest: plan.honest,
            proposer: { directory.proposer(height: $0, round: $1) },
            isValid: { block, _ in !invalid.contains(block) },
            liveness: plan.scenario.promisesLiveness ? (targetHeight, livenessDeadline) : nil,
            restarts: plan.scenario.promisesLiveness ? fullRestartTimes.map { ($0, restartDeadline($0)) } : [])
    }

    /// Runs to the end and checks every invariant.
    public func run() async -> SimulationResult {
        record("plan seed=\(seed) \(plan)")
        schedulePlannedFaults()
        for node in nodes { await start(node) }

        while let (time, event) = world.state.withLock({ state -> (SimTime, SimulationEvent)? in
            guard let next = state.queue.pop() else { return nil }
            state.now = max(state.now, next.time)
            return next
        }) {
            if time > stopTime || eventCount >= eventBudget { break }
            eventCount += 1
            await dispatch(event)
            if world.state.withLock({ state in defer { state.progressed = false }; return state.progressed }) {
                returnOfflineValidators()
                if isDone { break }
            }
        }
        record("end events=\(eventCount)")
        let observations = observations
        let violations = checker.check(observations)
        for violation in violations { record("VIOLATION \(violation)") }
        let trace = world.state.withLock { $0.trace }
        return SimulationResult(seed: seed, scenario: plan.scenario, validators: plan.validatorCount,
                                targetHeight: targetHeight, simulatedTime: world.now, events: eventCount,
                                heightsDecided: plan.honest.map { observations.decidedHeight($0) }.min() ?? 0,
                                violations: violations, traceHash: trace.hash, traceTail: trace.lastLines,
                                traceLines: trace.allLines, planDescription: plan.description)
    }

    private var stopTime: SimTime {
        max(livenessDeadline, fullRestartTimes.map(restartDeadline).max() ?? 0) + 1
    }

    /// Every honest validator decided the target height, every planned fault played out, and
    /// after each full restart every honest validator decided again.
    private var isDone: Bool {
        guard plannedCrashes == 0, fullRestartPending.isEmpty, offlineUntil.isEmpty,
              !nodes.contains(where: { !$0.isRunning && !$0.halted }) else { return false }
        let honest = plan.honest.sorted()
        let restarts = fullRestartTimes
        let target = targetHeight
        return world.state.withLock { state in
            honest.allSatisfy { validator in
                state.observations.decidedHeight(validator) >= target
                    && restarts.allSatisfy { restart in
                        state.observations.decisions[validator]?.values.contains { $0.time > restart } ?? false
                    }
            }
        }
    }

    private func schedulePlannedFaults() {
        world.state.withLock { state in
            for crash in plan.crashes {
                state.schedule(at: crash.at, .crash(endpoints: crash.endpoints, amnesia: false,
                                                    downFor: crash.untilHeight == nil ? crash.downFor : nil,
                                                    afterPortCalls: crash.afterPortCalls))
            }
            for (validator, behaviour) in plan.byzantine.sorted(by: { $0.key < $1.key }) {
                if case let .amnesia(at, downFor) = behaviour {
                    state.schedule(at: at, .crash(endpoints: [validator], amnesia: true, downFor: downFor, afterPortCalls: 0))
                }
            }
            if plan.network.gst > 0 { state.schedule(at: plan.network.gst, .globalStabilisation) }
        }
        plannedCrashes = plan.crashes.count + plan.byzantine.values.filter {
            if case .amnesia = $0 { true } else { false }
        }.count
        for crash in plan.crashes {
            if let until = crash.untilHeight { offlineUntil[crash.validator] = until }
        }
    }

    func record(_ text: String) {
        world.record(text)
    }
}
