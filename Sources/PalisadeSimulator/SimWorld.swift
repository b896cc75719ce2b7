import PalisadeCrypto
import PalisadeNode
import PalisadeTypes
import Synchronization

/// What the simulated ports share with the simulation loop: the clock and its event queue, the
/// links, the trace and the observations. Ports are called from inside each driver's actor, so
/// this lives behind one mutex; the run stays deterministic because the loop is one task that
/// awaits each `handle` to completion, so only one driver touches it at a time.
final class SimWorld: Sendable {
    let state: Mutex<WorldState>
    let chainID: String
    let directory: ValidatorDirectory
    /// Simulated time 0 as a wall-clock timestamp (what votes and blocks carry).
    static let genesisTime = Timestamp(seconds: 1_767_225_600)  // 2026-01-01T00:00:00Z

    init(state: WorldState, chainID: String, directory: ValidatorDirectory) {
        self.state = Mutex(state)
        self.chainID = chainID
        self.directory = directory
    }

    var now: SimTime { state.withLock { $0.now } }

    func record(_ text: String) {
        state.withLock { $0.trace.record($0.now, text) }
    }

    /// Whether a port call of `endpoint`'s incarnation may go ahead. An armed crash counts the
    /// calls down and strikes between two of them; from then on the incarnation is dead and
    /// every port refuses it, so nothing it does after the crash point becomes durable.
    func portCall(endpoint: Int, incarnation: Int) -> Bool {
        state.withLock { world in
            guard world.isLive(endpoint, incarnation) else { return false }
            guard let remaining = world.armedCrash[endpoint] else { return true }
            if remaining > 1 {
                world.armedCrash[endpoint] = remaining - 1
                return true
            }
            world.armedCrash[endpoint] = nil
            world.alive[endpoint] = false
            world.trace.record(world.now, "n\(endpoint) CRASH between two port calls")
            return false
        }
    }

    func isLive(endpoint: Int, incarnation: Int) -> Bool {
        state.withLock { $0.isLive(endpoint, incarnation) }
    }
}

/// The mutable part of a run shared with the ports.
struct WorldState: Sendable {
    var now: SimTime = 0
    var queue = EventQueue<SimulationEvent>()
    var trace: Trace
    var observations = Observations()
    /// Decided blocks holding a transaction the honest app rejects (validity's "invalid").
    var invalidBlocks: Set<BlockID> = []
    var links: Links
    var incarnation: [Int]
    var alive: [Bool]
    var armedCrash: [Int: Int] = [:]
    /// Set when some endpoint stored a block, so the loop re-checks whether the run is done.
    var progressed = false

    func isLive(_ endpoint: Int, _ incarnation: Int) -> Bool {
        alive[endpoint] && self.incarnation[endpoint] == incarnation
    }

    mutating func schedule(at time: SimTime, _ event: SimulationEvent) {
        queue.schedule(at: max(time, now), event)
    }

    /// Schedules `event` for `endpoint`'s current incarnation, if it is running.
    mutating func scheduleForDriver(_ endpoint: Int, at time: SimTime, _ event: ConsensusDriver.Event) {
        guard alive[endpoint] else { return }
        schedule(at: time, .driver(endpoint: endpoint, incarnation: incarnation[endpoint], event))
    }
}


/// Peers are named after their endpoint index.
func peerName(_ endpoint: Int) -> String { "n\(endpoint)" }

func endpointIndex(_ peer: String) -> Int? {
    guard peer.first == "n" else { return nil }
    return Int(peer.dropFirst())
}
