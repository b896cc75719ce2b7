/// The network of one run: per-link latencies, loss, duplication and partitions before the
/// global stabilisation time (GST), and a delay bounded by Δ after it.
///
/// Delivery guarantee (the paper's partial synchrony, arXiv 1807.04938 §2): a message sent at
/// time t over a link that is not cut off by the topology arrives by `max(t, GST) + Δ`. A
/// message lost before GST (dropped or partitioned) is retransmitted by the transport and
/// arrives at `GST + d` with `d ≤ Δ`, as a reliable connection would once it heals. Reordering
/// needs no rule of its own: independent random delays reorder messages.
public struct NetworkModel: Sendable {
    public var gst: SimTime
    /// Δ: the delay bound after GST.
    public var delta: SimTime
    /// Probability a message sent before GST is lost (then retransmitted after GST).
    public var dropProbability: Double
    /// Probability a message is delivered twice (before or after GST).
    public var duplicateProbability: Double
    /// Extra delay before GST beyond a link's base latency.
    public var jitter: Jitter
    public var partitions: [Partition]
    /// `baseLatency[from][to]`: the fixed part of a link's delay, at most Δ.
    public var baseLatency: [[SimTime]]
    /// `linked[from][to]`: topology, not a fault. False for a twin's links outside its half;
    /// such messages are never sent, and never retransmitted.
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
        duplicateProbability = 0
        jitter = .uniform(max: delta / 2)
        partitions = []
        baseLatency = (0..<endpoints).map { _ in (0..<endpoints).map { _ in rng.int(in: 1...max(1, delta / 4)) } }
        linked = Array(repeating: Array(repeating: true, count: endpoints), count: endpoints)
    }

    /// Arrival times of one send: none (topology forbids it), one, or two (a duplicate).
    func arrivals(from: Int, to: Int, at time: SimTime, rng: inout SimulationRandom) -> [SimTime] {
        guard linked[from][to] else { return [] }
        var times = [arrival(from: from, to: to, at: time, rng: &rng)]
        if rng.chance(duplicateProbability) {
            times.append(arrival(from: from, to: to, at: time, rng: &rng) + 1)
        }
        return times
    }

    private func arrival(from: Int, to: Int, at time: SimTime, rng: inout SimulationRandom) -> SimTime {
        let base = baseLatency[from][to]
        let bound = max(time, gst) + delta
        if time >= gst {
            return time + rng.int(in: base...max(base, delta))
        }
        let lost = rng.chance(dropProbability) || partitions.contains { $0.blocks(from: from, to: to, at: time) }
        if lost {
            return gst + rng.int(in: base...max(base, delta))
        }
        let extra: SimTime
        switch jitter {
        case .uniform(let max): extra = rng.int(in: 0...Swift.max(0, max))
        case .exponential(let mean, let cap): extra = rng.exponential(mean: Double(mean), cap: cap)
        }
        return min(time + base + extra, bound)
    }

    public var description: String {
        var parts = ["GST=\(gst)ms", "Δ=\(delta)ms", "jitter=\(jitter)"]
        if dropProbability > 0 { parts.append("drop=\(dropProbability)") }
        if duplicateProbability > 0 { parts.append("dup=\(duplicateProbability)") }
        parts += partitions.map(\.description)
        return parts.joined(separator: " ")
    }
}
