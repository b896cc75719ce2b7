import NIOCore

/// The messages a peer sends, in order. Ends normally when the connection closes cleanly and
/// throws the reason (a `P2PError` or a socket error) when it was dropped. Taking a message tells
/// the connection it may read more (see `PeerInboundHandler`). Iterate it from one task only.
public struct InboundMessages: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    private let stream: AsyncThrowingStream<InboundMessage, any Error>
    private let handler: NIOLoopBound<PeerInboundHandler>

    init(stream: AsyncThrowingStream<InboundMessage, any Error>, handler: NIOLoopBound<PeerInboundHandler>) {
        self.stream = stream
        self.handler = handler
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), handler: handler)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        private var base: AsyncThrowingStream<InboundMessage, any Error>.AsyncIterator
        private let handler: NIOLoopBound<PeerInboundHandler>

        init(base: AsyncThrowingStream<InboundMessage, any Error>.AsyncIterator, handler: NIOLoopBound<PeerInboundHandler>) {
            self.base = base
            self.handler = handler
        }

        public mutating func next() async throws -> InboundMessage? {
            guard let message = try await base.next() else { return nil }
            let handler = self.handler
            handler.eventLoop.execute { handler.value.consumed() }
            return message
        }
    }
}
