import PalisadeCrypto
import Synchronization

/// One connection the switch keeps: its bounded send queue and what keepalive needs to know.
/// The queue is drained by one writer task; whoever enqueues learns at once when it is full.
final class PeerSession: Sendable {
    enum Enqueued { case queued, full(messages: Int, bytes: Int), closed }

    let info: PeerInfo
    /// When the connection was adopted, for the redial backoff (not the wall clock of `info`).
    let adoptedAt: ContinuousClock.Instant = .now
    let connection: PeerConnection
    let outbound: AsyncStream<InboundMessage>
    private let continuation: AsyncStream<InboundMessage>.Continuation
    private let messageLimit: Int
    private let byteLimit: Int

    private struct State {
        var queuedMessages = 0
        var queuedBytes = 0
        var lastReceived: ContinuousClock.Instant
        /// The reader holds a message the event consumer has not made room for: the peer is not
        /// idle, we are simply not reading it.
        var waitingForConsumer = false
    }

    private let state: Mutex<State>

    init(info: PeerInfo, connection: PeerConnection, messageLimit: Int, byteLimit: Int) {
        self.info = info
        self.connection = connection
        self.messageLimit = max(1, messageLimit)
        self.byteLimit = max(1, byteLimit)
        let (stream, continuation) = AsyncStream<InboundMessage>.makeStream()
        self.outbound = stream
        self.continuation = continuation
        state = Mutex(State(lastReceived: .now))
    }

    var id: String { info.id }

    func enqueue(channel: ChannelID, bytes: Bytes) -> Enqueued {
        let verdict = state.withLock { state -> Enqueued in
            if state.queuedMessages + 1 > messageLimit || state.queuedBytes + bytes.count > byteLimit {
                return .full(messages: state.queuedMessages, bytes: state.queuedBytes)
            }
            state.queuedMessages += 1
            state.queuedBytes += bytes.count
            return .queued
        }
        guard case .queued = verdict else { return verdict }
        if case .terminated = continuation.yield(InboundMessage(channel: channel, bytes: bytes)) { return .closed }
        return .queued
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
        continuation.finish()
        await connection.close()
    }
}
