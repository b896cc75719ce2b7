import Synchronization

/// The switch's events, in order. Unlike an `AsyncStream` it is bounded: once
/// `SwitchConfiguration.eventBufferLimit` messages wait unconsumed, the peers' readers wait, their
/// connections' inbound buffers fill and their sockets stop being read (TCP flow control), so a
/// slow consumer never makes the switch buffer without bound. Connection events never wait (there
/// are at most two per connection). Iterate from one task only; it ends when the switch stops.
public struct SwitchEvents: AsyncSequence, Sendable {
    public typealias Element = SwitchEvent
    public typealias Failure = Never
    let queue: EventQueue

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(queue: queue) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Failure = Never
        let queue: EventQueue
        public mutating func next() async -> SwitchEvent? { await queue.next() }
    }
}

/// Many producers (one reader per peer, the switch), one consumer. Waiting producers are all woken
/// once the buffer is below the limit, so it may exceed the limit by at most one message per peer.
final class EventQueue: Sendable {
    private struct State {
        var buffer: [SwitchEvent] = []
        var head = 0
        var messages = 0
        var consumer: CheckedContinuation<SwitchEvent?, Never>?
        var producers: [CheckedContinuation<Void, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())
    private let messageLimit: Int

    init(messageLimit: Int) { self.messageLimit = max(1, messageLimit) }

    /// Appends an event without waiting; false once the queue is finished.
    @discardableResult
    func post(_ event: SwitchEvent) -> Bool {
        let (accepted, consumer) = state.withLock { state -> (Bool, CheckedContinuation<SwitchEvent?, Never>?) in
            guard !state.finished else { return (false, nil) }
            if let consumer = state.consumer {
                state.consumer = nil
                return (true, consumer)
            }
            state.buffer.append(event)
            if case .message = event { state.messages += 1 }
            return (true, nil)
        }
        consumer?.resume(returning: event)
        return accepted
    }

    /// Waits while the buffer holds `messageLimit` messages, then appends; false once finished.
    func postMessage(_ event: SwitchEvent) async -> Bool {
        await withCheckedContinuation { (producer: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { state -> Bool in
                if state.finished || state.messages < messageLimit { return true }
                state.producers.append(producer)
                return false
            }
            if proceed { producer.resume() }
        }
        return post(event)
    }

    func next() async -> SwitchEvent? {
        await withCheckedContinuation { (consumer: CheckedContinuation<SwitchEvent?, Never>) in
            var woken: [CheckedContinuation<Void, Never>] = []
            let immediate = state.withLock { state -> SwitchEvent?? in
                if state.head < state.buffer.count {
                    let event = state.buffer[state.head]
                    state.head += 1
                    if state.head >= 64, state.head * 2 >= state.buffer.count {
                        state.buffer.removeFirst(state.head)
                        state.head = 0
                    }
                    if case .message = event { state.messages -= 1 }
                    if state.messages < messageLimit {
                        woken = state.producers
                        state.producers = []
                    }
                    return .some(event)
                }
                // Finished, or a second concurrent consumer (not supported): end its iteration.
                if state.finished || state.consumer != nil { return .some(nil) }
                state.consumer = consumer
                return nil
            }
            for producer in woken { producer.resume() }
            if let immediate { consumer.resume(returning: immediate) }
        }
    }

    /// Ends the sequence after the buffered events and releases every waiting producer.
    func finish() {
        let (consumer, producers) = state.withLock { state in
            state.finished = true
            let waiting = (state.consumer, state.producers)
            state.consumer = nil
            state.producers = []
            return waiting
        }
        consumer?.resume(returning: nil)
        for producer in producers { producer.resume() }
    }
}
