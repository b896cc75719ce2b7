import PalisadeCrypto
import PalisadeNode

/// The loop's side of each event: hand it to the driver it is for, or play out a fault.
extension Simulation {
    func dispatch(_ event: SimulationEvent) async {
        switch event {
        case let .driver(endpoint, incarnation, driverEvent):
            guard world.isLive(endpoint: endpoint, incarnation: incarnation) else { return }
            record(describe(driverEvent, at: endpoint))
            if case .heartbeat = driverEvent { scheduleHeartbeat(endpoint, incarnation: incarnation) }
            await handle(nodes[endpoint], driverEvent)
        case let .deliver(from, to, epoch, channel, bytes):
            let current = world.state.withLock { state in
                state.alive[to] && state.links.isUp(from, to) && state.links.epoch(from, to) == epoch
            }
            guard current else { return }
            record("n\(to) <- n\(from) ch\(channel) \(bytes.count)B")
            if channel == NodeChannel.evidence {
                let node = nodes[to]
                await node.evidence?.receive(bytes, from: peerName(from))
                await afterEvent(node, incarnation: node.incarnation)
            } else {
                await handle(nodes[to], .peerMessage(peer: peerName(from), channel: channel, bytes: bytes))
            }
        case let .linkUp(a, b, epoch):
            guard world.state.withLock({ $0.tryLink(a, b, epoch: epoch) }) else { return }
            await connected(nodes[a], to: b)
            await connected(nodes[b], to: a)
        case let .crash(endpoints, amnesia, downFor, afterPortCalls):
            plannedCrashes -= 1
            crash(endpoints, amnesia: amnesia, downFor: downFor, afterPortCalls: afterPortCalls)
        case .restart(let endpoint):
            await restart(nodes[endpoint])
        case .globalStabilisation:
            record("GST")
        }
    }

    /// Handles one event to completion. An error from a live incarnation is a halt (the node
    /// would exit); from one that crashed inside the event it is just the crash.
    func handle(_ node: SimulatedNode, _ event: ConsensusDriver.Event) async {
        guard let driver = node.driver else { return }
        let incarnation = node.incarnation
        do { try await driver.handle(event) } catch {
            if world.isLive(endpoint: node.endpoint, incarnation: incarnation) { halt(node, error) }
        }
        await afterEvent(node, incarnation: incarnation)
    }

    /// An armed crash that struck inside the event is carried out now that the event is over.
    func afterEvent(_ node: SimulatedNode, incarnation: Int) async {
        guard node.isRunning, node.incarnation == incarnation,
              !world.isLive(endpoint: node.endpoint, incarnation: incarnation) else { return }
        let pending = armed.removeValue(forKey: node.endpoint) ?? ArmedCrash(others: [], amnesia: false, downFor: 1_000)
        tearDown(node, amnesia: pending.amnesia, downFor: pending.downFor)
        for other in pending.others where nodes[other].isRunning {
            crashNow(nodes[other], amnesia: pending.amnesia, downFor: pending.downFor)
        }
    }

    private func connected(_ node: SimulatedNode, to peer: Int) async {
        guard node.isRunning else { return }
        let incarnation = node.incarnation
        await node.evidence?.peerConnected(peerName(peer))
        await handle(node, .peerConnected(peerName(peer)))
        await afterEvent(node, incarnation: incarnation)
    }

    func scheduleHeartbeat(_ endpoint: Int, incarnation: Int) {
        world.state.withLock { state in
            state.schedule(at: state.now + 1_000, .driver(endpoint: endpoint, incarnation: incarnation, .heartbeat))
        }
    }

    private func describe(_ event: ConsensusDriver.Event, at endpoint: Int) -> String {
        switch event {
        case .timeout(let timeout): "n\(endpoint) fire \(timeout)"
        case .startHeight(let height): "n\(endpoint) start h=\(height)"
        case .heartbeat: "n\(endpoint) heartbeat"
        case .txsAvailable(let height): "n\(endpoint) txs available h=\(height)"
        case .createEmptyBlocksInterval(let height): "n\(endpoint) empty block interval h=\(height)"
        case .peerConnected(let peer): "n\(endpoint) connected \(peer)"
        case .peerDisconnected(let peer): "n\(endpoint) lost \(peer)"
        case let .peerMessage(peer, channel, bytes): "n\(endpoint) <- \(peer) ch\(channel) \(bytes.count)B"
        }
    }
}
