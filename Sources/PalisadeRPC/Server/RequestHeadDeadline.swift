import HummingbirdCore
import Logging
import NIOCore

/// Every new connection must finish its first request head within `deadline` or be closed.
///
/// CometBFT's HTTP server has a read timeout; Hummingbird's idle timeout starts only after a
/// first request. Without this, a client holding `max_open_connections` silent (or one byte at a
/// time) sockets locks every other client out of the RPC for as long as it likes.
struct RequestHeadDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let deadline: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadline = self.deadline
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadTimer(deadline: deadline), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Sits before the HTTP decoder, passes every byte through, and watches for the blank line that
/// ends the first request head; until it sees one, a timer runs that closes the connection.
final class RequestHeadTimer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?
    /// The last bytes seen, for a "\r\n\r\n" split across reads.
    private var tail: [UInt8] = []
    private var headSeen = false

    init(deadline: TimeAmount) { self.deadline = deadline }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headSeen {
            let buffer = unwrapInboundIn(data)
            tail.append(contentsOf: buffer.readableBytesView)
            if Self.containsHeadEnd(tail) {
                headSeen = true
                tail = []
                timer?.cancel()
                timer = nil
            } else if tail.count > 3 {
                tail.removeFirst(tail.count - 3)
            }
        }
        context.fireChannelRead(data)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil, !headSeen else { return }
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(in: deadline) { [weak self] in
            guard let self, !self.headSeen else { return }
            context.close(promise: nil)
        }
    }

    static func containsHeadEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for start in 0...(bytes.count - 4) where bytes[start] == 13 && bytes[start + 1] == 10
            && bytes[start + 2] == 13 && bytes[start + 3] == 10 {
            return true
        }
        return false
    }
}
