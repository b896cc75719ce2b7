/// The network of one run: per-link latencies, connection breaks and partitions before the
/// global stabilisation time (GST), and a delay bounded by Δ after it.
///
/// Links behave like the node's TCP connections: each direction delivers in order. A message
/// the network would lose before GST (by chance, or because a partition separates its ends)
/// breaks the connection instead: both ends are told the peer disconnected, whatever was in
/// flight on it is gone, and the link reconnects later (after the partition ends, and by
/// GST + Δ at the latest). The node must then resend what matters, as over TCP. After GST a
/// message arrives within Δ of being sent (the paper's partial synchrony, arXiv 1807.04938 §2).
public struct NetworkModel: Sendable {
    public var gst: SimTime
    /// Δ: the delay bound after GST.
    public var delta: SimTime
    /// Probability that a message sent before GST breaks its connection.
    public var dropProbability: Double
    /// Extra delay before GST beyond a link's base latency.
    public var jitter: Jitter
    public var partitions: [Partition]
    /// `baseLatency[from][to]`: the fixed part of a link's delay, at most Δ.
    public var baseLatency: [[SimTime]]
    /// `linked[from][to]`: topology, not a fault. False for a twin's links outside its half;
    /// such endpoints never connect.
    public var linked: [[Bool]]

    public enum Jitter: Sendable, Hashable, CustomStringConvertible {
        case uniform(max: SimTime)
        case exponential(mean: SimTime, cap: SimTime)

        public var description: String {
            switch self {
            case .uniform(let max): "uniform(0..\(max)ms)"
            case .exponential(let mean, let cap): "exp(mean \(mean)ms, cap \(cap)ms)"
            }
        }
    }

    /// A fault-free network of `endpoints` with latencies drawn from `rng`; scenarios add faults.
    public init(endpoints: Int, delta: SimTime, gst: SimTime, rng: inout SimulationRandom) {
        self.gst = gst
        self.delta = delta
        dropProbability = 0
        jitter = .uniform(max: delta / 2)
        partitions = []
        baseLatency = (0..<endpoints).map { _ in (0..<endpoints).map { _ in rng.int(in: 1...max(1, delta / 4)) } }
        linked = Array(repeating: Array(repeating: true, count: endpoints), count: endpoints)
    }

    /// Whether a partition separates `a` and `b` at `time`, in either direction: a connection
    /// needs both.
    func separated(_ a: Int, _ b: Int, at time: SimTime) -> Bool {
        partitions.contains { $0.blocks(from: a, to: b, at: time) || $0.blocks(from: b, to: a, at: time) }
    }

    /// When the partitions separating `a` and `b` at `time` are all over.
    func separationEnd(_ a: Int, _ b: Int, at time: SimTime) -> SimTime {
        partitions.filter { $0.blocks(from: a, to: b, at: time) || $0.blocks(from: b, to: a, at: time) }
            .map(\.end).max() ?? time
    }

    /// One message's delay on a working link sent at `time`.
    func delay(from: Int, to: Int, at time: SimTime, rng: inout SimulationRandom) -> SimTime {
        let base = baseLatency[from][to]
        if time >= gst { return rng.int(in: base...max(base, delta)) }
        let extra: SimTime
        switch jitter {
        case .uniform(let max): extra = rng.int(in: 0...Swift.max(0, max))
        case .exponential(let mean, let cap): extra = rng.exponential(mean: Double(mean), cap: cap)
        }
        return min(base + extra, max(time, gst) + delta - time)
    }

    /// When a connection broken at `time` is tried again.
    func reconnectDelay(at time: SimTime, rng: inout SimulationRandom) -> SimTime {
        time < gst ? rng.int(in: 200...3_000) : rng.int(in: 1...max(1, delta))
    }

    public var description: String {
        var parts = ["GST=\(gst)ms", "Δ=\(delta)ms", "jitter=\(jitter)"]
        if dropProbability > 0 { parts.append("break=\(dropProbability)") }
        parts += partitions.map(\.description)
        return parts.joined(separator: " ")
    }
}
