import Logging
import PalisadeApps
import PalisadeMempool
import PalisadeNode

/// Starting, crashing and restarting endpoints, exactly as the node does it: a (re)start is the
/// handshake with the app, a new mempool, evidence pool and driver, then `start()` (WAL replay).
/// A crash drops the incarnation and everything volatile with it; the store, the WAL's synced
/// records and the signer record stay.
extension Simulation {
    func start(_ node: SimulatedNode) async {
        world.state.withLock { $0.alive[node.endpoint] = true }
        await boot(node)
    }

    func boot(_ node: SimulatedNode) async {
        let endpoint = node.endpoint, incarnation = node.incarnation
        let gate = PortGate(world: world, endpoint: endpoint, incarnation: incarnation)
        node.log.attach(gate)
        let app = SimulatedApplication(inner: node.app, gate: gate, history: node.history,
                                       proposesInvalid: node.behaviour == .invalidProposer)
        let logger = makeLogger(for: node)
        var tap: EquivocationTap?
        if case .equivocatingProposer(let invalidSecond) = node.behaviour {
            tap = EquivocationTap(key: node.key, validator: node.validator, invalidSecond: invalidSecond)
        }
        let network = SimulatedNetwork(world: world, endpoint: endpoint, incarnation: incarnation, equivocation: tap)
        let signer = MemoryPrivValidator(key: node.key, vault: node.vault, gate: gate, validator: node.validator,
                                         honest: node.isHonest)
        do {
            let state = try await Handshake(app: app, store: node.store, genesis: genesis, logger: logger).run()
            let mempool = Mempool(app: app, height: state.lastBlockHeight)
            let evidence = try EvidencePool(chainID: chainID, state: state, store: node.store, network: network, logger: logger)
            let driver = ConsensusDriver(chainID: chainID, state: state, config: config, signer: signer, wal: node.log,
                                         store: node.store, app: app, mempool: mempool, evidence: evidence,
                                         network: network, clock: VirtualClock(world: world, endpoint: endpoint,
                                                                                incarnation: incarnation),
                                         observer: observer(for: node), logger: logger)
            node.driver = driver
            node.mempool = mempool
            node.evidence = evidence
            await fill(mempool, node: node, height: state.lastBlockHeight)
            try await driver.start()
        } catch {
            if world.isLive(endpoint: endpoint, incarnation: incarnation) {
                halt(node, error)
                return
            }
        }
        guard node.isRunning else {
            // Crashed before a driver existed (the handshake's app call hit the armed crash).
            if !world.isLive(endpoint: endpoint, incarnation: incarnation) {
                let pending = armed.removeValue(forKey: endpoint)
                tearDown(node, amnesia: pending?.amnesia ?? false, downFor: pending?.downFor ?? 1_000)
            }
            return
        }
        await afterEvent(node, incarnation: incarnation)
        guard world.isLive(endpoint: endpoint, incarnation: incarnation) else { return }
        world.state.withLock { $0.dial(from: endpoint) }
        scheduleHeartbeat(endpoint, incarnation: incarnation)
    }

    /// A planned crash: now, or armed to strike inside the first endpoint's next events.
    func crash(_ endpoints: [Int], amnesia: Bool, downFor: SimTime?, afterPortCalls: Int) {
        let running = endpoints.filter { nodes[$0].isRunning }
        if endpoints.count > 1 {
            fullRestartPending.formUnion(running)
            record("FULL CRASH of \(running.count) endpoints")
        }
        guard let first = running.first else { return }
        if afterPortCalls > 0 {
            armed[first] = ArmedCrash(others: Array(running.dropFirst()), amnesia: amnesia, downFor: downFor)
            world.state.withLock { $0.armedCrash[first] = afterPortCalls }
            record("n\(first) crash armed: at its \(afterPortCalls)th port call from now")
            return
        }
        for endpoint in running { crashNow(nodes[endpoint], amnesia: amnesia, downFor: downFor) }
    }

    func crashNow(_ node: SimulatedNode, amnesia: Bool, downFor: SimTime?) {
        world.state.withLock { state in
            state.alive[node.endpoint] = false
            state.armedCrash[node.endpoint] = nil
        }
        record("n\(node.endpoint) CRASH\(amnesia ? " with amnesia" : "")")
        tearDown(node, amnesia: amnesia, downFor: downFor)
    }

    /// Drops the incarnation: driver, mempool, evidence pool, pending timers (their incarnation
    /// is over), open links. The WAL keeps its synced records and a seed-chosen prefix of the rest.
    func tearDown(_ node: SimulatedNode, amnesia: Bool, downFor: SimTime?) {
        recordUnobservedDecisions(node)
        world.state.withLock { state in
            state.alive[node.endpoint] = false
            state.armedCrash[node.endpoint] = nil
            state.dropLinks(of: node.endpoint)
        }
        node.driver = nil
        node.mempool = nil
        node.evidence = nil
        let lost = node.log.crash { self.faultRandom.index(below: $0 + 1) }
        if lost > 0 { record("n\(node.endpoint) lost \(lost) unsynced WAL records") }
        if amnesia {
            node.log.wipe()
            node.vault.wipe()
        }
        if let downFor {
            world.state.withLock { $0.schedule(at: $0.now + downFor, .restart(endpoint: node.endpoint)) }
        }
    }

    func restart(_ node: SimulatedNode) async {
        guard !node.isRunning, !node.halted else { return }
        node.incarnation += 1
        let incarnation = node.incarnation
        world.state.withLock { state in
            state.incarnation[node.endpoint] = incarnation
            state.alive[node.endpoint] = true
        }
        lastRestart = world.now
        if plan.appBehindOnRestart { node.app = appBehind(node) }
        record("n\(node.endpoint) RESTART incarnation \(incarnation)")
        if fullRestartPending.remove(node.endpoint) != nil, fullRestartPending.isEmpty {
            fullRestartTimes.append(world.now)
            record("FULL RESTART complete")
        }
        await boot(node)
    }

    /// The app a restart gets: the one that ran (the handshake finds it level with the store, or
    /// one block behind), a fresh one (it replays every block), or one some heights back.
    private func appBehind(_ node: SimulatedNode) -> KVStoreApplication {
        let history = node.history.all
        switch faultRandom.index(below: 3) {
        case 0:
            return node.app
        case 1:
            record("n\(node.endpoint) app replaced by a fresh one")
            return KVStoreApplication()
        default:
            guard !history.isEmpty else { return node.app }
            let state = history[faultRandom.index(below: history.count)]
            record("n\(node.endpoint) app rolled back to h=\(state.head?.height ?? 0)")
            return KVStoreApplication(store: InMemoryKVStateStore(state))
        }
    }

    /// The runtime stopped with an error: the node would exit and stay down.
    func halt(_ node: SimulatedNode, _ error: any Error) {
        record("n\(node.endpoint) HALT: \(error)")
        node.halted = true
        if node.isHonest {
            world.state.withLock { $0.observations.recordHalt(validator: node.validator, reason: "\(error)") }
        }
        world.state.withLock { state in
            state.alive[node.endpoint] = false
            state.dropLinks(of: node.endpoint)
        }
        node.driver = nil
        node.mempool = nil
        node.evidence = nil
        fullRestartPending.remove(node.endpoint)
        offlineUntil[node.endpoint] = nil
    }

    /// Brings back validators whose offline stretch is over: the other honest ones decided the height.
    func returnOfflineValidators() {
        guard !offlineUntil.isEmpty else { return }
        for (endpoint, until) in offlineUntil.sorted(by: { $0.key < $1.key }) where !nodes[endpoint].isRunning {
            let others = plan.honest.filter { $0 != endpoint && offlineUntil[$0] == nil }.sorted()
            let reached = world.state.withLock { state in
                others.allSatisfy { state.observations.decidedHeight($0) >= until }
            }
            guard reached else { continue }
            offlineUntil[endpoint] = nil
            world.state.withLock { $0.schedule(at: $0.now, .restart(endpoint: endpoint)) }
        }
    }

    private func makeLogger(for node: SimulatedNode) -> Logger {
        let world = world, endpoint = node.endpoint, validator = node.validator
        let addresses = directory.addressIndex
        return Logger(label: "n\(endpoint)") { _ in
            RuntimeLogTap(world: world, endpoint: endpoint, validator: validator, addresses: addresses)
        }
    }
}
