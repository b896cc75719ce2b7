import PalisadeNode
import PalisadeTypes

/// The driver's clock in a run: simulated time, and timers that are entries in the run's event
/// queue for this endpoint's incarnation, so a crash cancels them as a process exit would.
struct VirtualClock: RuntimeClock {
    let world: SimWorld
    let endpoint: Int
    let incarnation: Int

    func now() -> Timestamp {
        SimWorld.genesisTime.adding(milliseconds: world.now)
    }

    func schedule(_ event: ConsensusDriver.Event, afterMilliseconds milliseconds: Int64, for driver: ConsensusDriver) {
        world.state.withLock { state in
            guard state.isLive(endpoint, incarnation) else { return }
            state.schedule(at: state.now + max(0, milliseconds),
                           .driver(endpoint: endpoint, incarnation: incarnation, event))
        }
    }
}
