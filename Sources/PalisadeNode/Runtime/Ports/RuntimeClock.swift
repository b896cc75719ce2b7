import PalisadeTypes

/// Time, as the consensus runtime may see it: the only way it reads the clock or waits. The node
/// wires `SystemClock` (real time, sleeping tasks); the simulator wires virtual time, where a
/// timer is an entry in its event queue, so a seed drives the same code the node runs.
public protocol RuntimeClock: Sendable {
    /// The wall-clock time consensus inputs carry (and the WAL replays).
    func now() -> Timestamp
    /// Hands `event` to `driver` once `milliseconds` have passed. Nothing is promised after the
    /// driver stopped, and timers are not durable: a restart re-arms them from the WAL's replay.
    func schedule(_ event: ConsensusDriver.Event, afterMilliseconds milliseconds: Int64, for driver: ConsensusDriver)
}
