import PalisadeCrypto

/// How urgently a message must leave: our own consensus messages (our proposal and its parts, our
/// votes, our round step) and the switch's keepalive go before anything we pass on for others.
/// Without it a proposal we sign waits behind every relay already queued for a slow peer, and a
/// peer that floods us with valid traffic makes us late for our own round.
public enum SendPriority: Sendable {
    case own
    case relay
}

/// One peer's unsent messages, in the order they are to be written. `own` messages leave first,
/// in the order they were queued. Relays are then taken channel by channel as CometBFT's
/// `MConnection` does: the next message comes from the channel whose recent bytes sent, divided
/// by its priority, are smallest, so a busy low-priority channel (mempool) cannot hold back a
/// high-priority one (consensus data) and none starves. Within a channel, order is kept, which
/// the protocol relies on (a proposal before its parts). A value with no I/O; `PeerSession` holds
/// it under its lock and bounds it in messages and bytes.
struct OutboundQueue {
    struct Message: Sendable {
        var channel: ChannelID
        var bytes: Bytes
    }

    /// Recent bytes per channel are halved once they add up to this, so "recent" means roughly
    /// the last few MiB written (CometBFT decays them by time; bytes need no clock).
    static let recentWindow = 4 << 20

    /// A channel's weight; channels not listed weigh 1.
    let priorities: [ChannelID: Int]
    private var own = FIFO<Message>()
    private var relays: [ChannelID: FIFO<Message>] = [:]
    private var recentlySent: [ChannelID: Int] = [:]
    private var recentTotal = 0
    private(set) var count = 0

    init(priorities: [ChannelID: Int] = [:]) {
        self.priorities = priorities
    }

    var isEmpty: Bool { count == 0 }

    mutating func push(_ message: Message, priority: SendPriority) {
        count += 1
        switch priority {
        case .own: own.push(message)
        case .relay: relays[message.channel, default: FIFO()].push(message)
        }
    }

    /// The next message to write, or nil when none is queued.
    mutating func pop() -> Message? {
        if let message = own.pop() {
            count -= 1
            return message
        }
        guard let channel = nextRelayChannel(), let message = relays[channel]?.pop() else { return nil }
        count -= 1
        if relays[channel]?.isEmpty == true { relays[channel] = nil }
        account(message)
        return message
    }

    /// The non-empty channel with the least recent bytes per unit of priority (ties: lowest ID).
    private func nextRelayChannel() -> ChannelID? {
        var best: (channel: ChannelID, sent: Int, priority: Int)?
        for channel in relays.keys {
            let candidate = (channel: channel, sent: recentlySent[channel, default: 0], priority: weight(channel))
            guard let current = best else {
                best = candidate
                continue
            }
            // sent / priority compared without division: a.sent * b.priority < b.sent * a.priority.
            let left = candidate.sent.multipliedReportingOverflow(by: current.priority).partialValue
            let right = current.sent.multipliedReportingOverflow(by: candidate.priority).partialValue
            if left < right || (left == right && channel < current.channel) { best = candidate }
        }
        return best?.channel
    }

    private func weight(_ channel: ChannelID) -> Int {
        max(1, priorities[channel] ?? 1)
    }

    private mutating func account(_ message: Message) {
        recentlySent[message.channel, default: 0] += message.bytes.count
        recentTotal += message.bytes.count
        guard recentTotal >= Self.recentWindow else { return }
        recentTotal = 0
        for (channel, sent) in recentlySent {
            recentlySent[channel] = sent / 2
            recentTotal += sent / 2
        }
    }
}

/// A first-in first-out queue with amortised O(1) pop (an array with a moving head).
struct FIFO<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    mutating func push(_ item: Element) {
        items.append(item)
    }

    mutating func pop() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
