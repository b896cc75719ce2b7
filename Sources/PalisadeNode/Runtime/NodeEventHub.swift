import Synchronization

/// Many listeners for `NodeEvent`s (RPC subscriptions, the indexer). Each subscriber has its own
/// bounded buffer: a listener that falls behind loses the oldest events, never slows consensus.
public final class NodeEventHub: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<NodeEvent>.Continuation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func publish(_ event: NodeEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// A stream of events from now on; it ends when the caller stops iterating.
    public func subscribe(buffer: Int = 1_000) -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: NodeEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        let id = state.withLock { state in
            state.next += 1
            state.subscribers[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
