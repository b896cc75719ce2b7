import HummingbirdCore
import Logging
import NIOCore

/// Every new connection must finish its first request head within `deadline`, and a kept-alive
/// connection must begin its next request within `idleTimeout` of the last response, or be closed.
///
/// CometBFT's HTTP server has a read timeout; Hummingbird's idle timeout starts only after a
/// first request. Without this, a client holding `max_open_connections` silent (or one byte at a
/// time) sockets locks every other client out of the RPC for as long as it likes.
struct RequestHeadDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let deadline: TimeAmount
    let idleTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (deadline, idleTimeout) = (self.deadline, self.idleTimeout)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadTimer(deadline: deadline, idleTimeout: idleTimeout),
                                                           position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Sits before the HTTP codec, passes every byte through both ways, and keeps one timer: until
/// the first request head has ended (the blank line), `deadline`; after a response has been
/// written, `idleTimeout` for the next request to begin, re-armed by every further write. While
/// a request is being answered (`broadcast_tx_commit` may wait) nothing runs, and a connection
/// upgraded to WebSocket (a `101` response) is left alone: it has its own pings.
final class RequestHeadTimer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case awaitingHead, answering, upgraded }

    private let deadline: TimeAmount
    private let idleTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// The last bytes seen, for a "\r\n\r\n" split across reads.
    private var tail: [UInt8] = []
    private var phase = Phase.awaitingHead

    init(deadline: TimeAmount, idleTimeout: TimeAmount) {
        self.deadline = deadline
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, deadline) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, deadline)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .awaitingHead {
            let buffer = unwrapInboundIn(data)
            tail.append(contentsOf: buffer.readableBytesView)
            if Self.containsHeadEnd(tail) {
                phase = .answering
                tail = []
                cancel()
            } else if tail.count > 3 {
                tail.removeFirst(tail.count - 3)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if phase != .upgraded {
            let buffer = unwrapOutboundIn(data)
            if phase == .answering, buffer.readableBytesView.starts(with: Self.switchingProtocols) {
                phase = .upgraded
                cancel()
            } else {
                // A response (or a piece of one) went out: the next request has `idleTimeout`
                // from the last byte written.
                phase = .awaitingHead
                tail = []
                arm(context, idleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    private static let switchingProtocols = Array("HTTP/1.1 101".utf8)

    private func arm(_ context: ChannelHandlerContext, _ delay: TimeAmount) {
        cancel()
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(in: delay) { [weak self] in
            guard let self, self.phase == .awaitingHead else { return }
            context.close(promise: nil)
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
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
