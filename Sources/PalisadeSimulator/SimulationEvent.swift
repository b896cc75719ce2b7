import PalisadeCrypto
import PalisadeNode

/// Something that happens at one instant of simulated time. Events for a driver carry the
/// endpoint's incarnation when they were scheduled: a crash ends the incarnation, so its timers
/// die with it, as a process's would. Messages carry their link's epoch: a broken link loses
/// everything still in flight on it, as a TCP connection does.
enum SimulationEvent: Sendable {
    /// A timer, heartbeat or link notification for one incarnation's driver.
    case driver(endpoint: Int, incarnation: Int, ConsensusDriver.Event)
    case deliver(from: Int, to: Int, epoch: Int, channel: UInt8, bytes: Bytes)
    /// A connection attempt between two endpoints (`a < b`), valid while the link is at `epoch`.
    case linkUp(a: Int, b: Int, epoch: Int)
    /// A planned crash; `afterPortCalls` > 0 arms it to strike inside a later `handle`, between
    /// two port calls (after a WAL append and before its sync, say).
    case crash(endpoints: [Int], amnesia: Bool, downFor: SimTime?, afterPortCalls: Int)
    case restart(endpoint: Int)
    case globalStabilisation
}
