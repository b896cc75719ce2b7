import PalisadeCrypto
import Synchronization

/// One connection the switch keeps: its bounded send queue and what keepalive needs to know.
/// The queue (`OutboundQueue`: our own messages first, then relays by channel priority) is
/// drained by one writer task; whoever enqueues learns at once when it is full.
final class PeerSession: Sendable {
    enum Enqueued { case queued, full(messages: Int, bytes: Int), closed }

    let info: PeerInfo
    /// When the connection was adopted, for the redial backoff (not the wall clock of `info`).
    let adoptedAt: ContinuousClock.Instant = .now
    let connection: PeerConnection
    private let messageLimit: Int
    private let byteLimit: Int

    private struct State {
        var queue: OutboundQueue
        /// The writer, parked until a message is queued.
        var writer: CheckedContinuation<OutboundQueue.Message?, Never>?
        var closed = false
        /// Queued plus the one being written: what the limits count.
        var queuedMessages = 0
        var queuedBytes = 0
        var lastReceived: ContinuousClock.Instant
        /// The reader holds a message the event consumer has not made room for: the peer is not
        /// idle, we are simply not reading it.
        var waitingForConsumer = false
    }

    private let state: Mutex<State>

    init(info: PeerInfo, connection: PeerConnection, messageLimit: Int, byteLimit: Int,
         channelPriorities: [ChannelID: Int] = [:]) {
        self.info = info
        self.connection = connection
        self.messageLimit = max(1, messageLimit)
        self.byteLimit = max(1, byteLimit)
        state = Mutex(State(queue: OutboundQueue(priorities: channelPriorities), lastReceived: .now))
    }

    var id: String { info.id }

    func enqueue(channel: ChannelID, bytes: Bytes, priority: SendPriority) -> Enqueued {
        let (verdict, wake) = state.withLock { state -> (Enqueued, (CheckedContinuation<OutboundQueue.Message?, Never>, OutboundQueue.Message)?) in
            guard !state.closed else { return (.closed, nil) }
            if state.queuedMessages + 1 > messageLimit || state.queuedBytes + bytes.count > byteLimit {
                return (.full(messages: state.queuedMessages, bytes: state.queuedBytes), nil)
            }
            state.queuedMessages += 1
            state.queuedBytes += bytes.count
            state.queue.push(OutboundQueue.Message(channel: channel, bytes: bytes), priority: priority)
            guard let writer = state.writer, let next = state.queue.pop() else { return (.queued, nil) }
            state.writer = nil
            return (.queued, (writer, next))
        }
        if let wake { wake.0.resume(returning: wake.1) }
        return verdict
    }

    /// The next message for the writer, waiting until one is queued; nil once the session is closed.
    func nextOutbound() async -> OutboundQueue.Message? {
        await withCheckedContinuation { (writer: CheckedContinuation<OutboundQueue.Message?, Never>) in
            let ready = state.withLock { state -> OutboundQueue.Message?? in
                if state.closed { return .some(nil) }
                if let next = state.queue.pop() { return .some(next) }
                state.writer = writer
                return nil
            }
            if let ready { writer.resume(returning: ready) }
        }
    }

    /// Up to `limit` more messages already queued, in the order `nextOutbound` would give them,
    /// without waiting: the writer hands them to the socket with one flush.
    func queuedOutbound(limit: Int) -> [OutboundQueue.Message] {
        state.withLock { state in
            var taken: [OutboundQueue.Message] = []
            while taken.count < limit, !state.closed, let next = state.queue.pop() { taken.append(next) }
            return taken
        }
    }

    /// The writer handed `count` bytes to the socket.
    func dequeued(_ count: Int) {
        state.withLock {
            $0.queuedMessages -= 1
            $0.queuedBytes -= count
        }
    }

    func received() { state.withLock { $0.lastReceived = .now } }

    func setWaitingForConsumer(_ waiting: Bool) {
        state.withLock {
            $0.waitingForConsumer = waiting
            $0.lastReceived = .now
        }
    }

    /// Whether nothing has arrived for `timeout` while we were willing to read.
    func isIdle(for timeout: Duration, now: ContinuousClock.Instant) -> Bool {
        state.withLock { !$0.waitingForConsumer && now - $0.lastReceived > timeout }
    }

    /// Stops the writer (queued messages are dropped) and closes the socket.
    func close() async {
        let writer = state.withLock { state in
            state.closed = true
            state.queue = OutboundQueue(priorities: state.queue.priorities)
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume(returning: nil)
        await connection.close()
    }
}
