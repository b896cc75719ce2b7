/// A window of simulated time during which messages from `senders` to `receivers` are lost
/// (until the network's retransmission after GST). Asymmetric by default: A can be cut off
/// from B while B still reaches A. `symmetric` cuts both directions.
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    public var start: SimTime
    public var end: SimTime
    public var senders: Set<Int>
    public var receivers: Set<Int>
    public var symmetric: Bool

    public init(start: SimTime, end: SimTime, senders: Set<Int>, receivers: Set<Int>, symmetric: Bool) {
        self.start = start
        self.end = end
        self.senders = senders
        self.receivers = receivers
        self.symmetric = symmetric
    }

    /// True when this partition loses a message sent from `from` to `to` at `time`.
    func blocks(from: Int, to: Int, at time: SimTime) -> Bool {
        guard time >= start, time < end else { return false }
        if senders.contains(from) && receivers.contains(to) { return true }
        return symmetric && senders.contains(to) && receivers.contains(from)
    }

    public var description: String {
        let arrow = symmetric ? "<->" : "->"
        return "partition[\(start)..\(end)ms \(senders.sorted())\(arrow)\(receivers.sorted())]"
    }
}
