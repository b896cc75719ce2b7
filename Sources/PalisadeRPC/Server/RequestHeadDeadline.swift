import HummingbirdCore
import Logging
import NIOCore

/// Every new connection must finish its first request head within `deadline`, and a kept-alive
/// connection must begin its next request within `idleTimeout` of the last response, or be closed.
/// A request head longer than `maxHeaderBytes` is refused (`[rpc] max_header_bytes`).
///
/// CometBFT's HTTP server has a read timeout; Hummingbird's idle timeout starts only after a
/// first request. Without this, a client holding `max_open_connections` silent (or one byte at a
/// time) sockets locks every other client out of the RPC for as long as it likes.
struct RequestHeadDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let deadline: TimeAmount
    let idleTimeout: TimeAmount
    let maxHeaderBytes: Int

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (deadline, idleTimeout, maxHeaderBytes) = (self.deadline, self.idleTimeout, self.maxHeaderBytes)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                RequestHeadTimer(deadline: deadline, idleTimeout: idleTimeout, maxHeaderBytes: maxHeaderBytes),
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
///
/// It also counts the head's bytes: past `maxHeaderBytes` plus Go's 4 KiB of slack (Go's server
/// reads that much more before it gives up) the client gets Go's `431 Request Header Fields Too
/// Large` and the connection is closed, so a head cannot grow without bound in the HTTP parser.
final class RequestHeadTimer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case awaitingHead, answering, upgraded, refused }

    /// What Go's server adds to `MaxHeaderBytes` before refusing a head (`bufio` slack).
    static let goHeaderSlack = 4_096

    private let deadline: TimeAmount
    private let idleTimeout: TimeAmount
    /// The most bytes a request head (request line, headers, blank line) may have.
    private let headLimit: Int
    /// Bytes of the current request head read so far.
    private var headBytes = 0
    private var timer: Scheduled<Void>?
    /// The last bytes seen, for a "\r\n\r\n" split across reads.
    private var tail: [UInt8] = []
    private var phase = Phase.awaitingHead

    init(deadline: TimeAmount, idleTimeout: TimeAmount, maxHeaderBytes: Int) {
        self.deadline = deadline
        self.idleTimeout = idleTimeout
        self.headLimit = maxHeaderBytes + Self.goHeaderSlack
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
        switch phase {
        case .refused:
            return
        case .awaitingHead:
            let buffer = unwrapInboundIn(data)
            let carried = tail.count
            tail.append(contentsOf: buffer.readableBytesView)
            let end = Self.headEnd(in: tail)
            headBytes += (end ?? tail.count) - carried
            if headBytes > headLimit {
                refuse(context)
                return
            }
            if end != nil {
                phase = .answering
                tail = []
                headBytes = 0
                cancel()
            } else if tail.count > 3 {
                tail.removeFirst(tail.count - 3)
            }
        case .answering, .upgraded:
            break
        }
        context.fireChannelRead(data)
    }

    /// Go's answer to an oversized head, then the connection is closed.
    private func refuse(_ context: ChannelHandlerContext) {
        phase = .refused
        cancel()
        let status = "431 Request Header Fields Too Large"
        let text = "HTTP/1.0 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n\(status)"
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if phase == .answering || phase == .awaitingHead {
            let buffer = unwrapOutboundIn(data)
            if phase == .answering, buffer.readableBytesView.starts(with: Self.switchingProtocols) {
                phase = .upgraded
                cancel()
            } else {
                // A response (or a piece of one) went out: the next request has `idleTimeout`
                // from the last byte written.
                phase = .awaitingHead
                tail = []
                headBytes = 0
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

    /// The index just past the first "\r\n\r\n" in `bytes`, if there is one.
    static func headEnd(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for start in 0...(bytes.count - 4) where bytes[start] == 13 && bytes[start + 1] == 10
            && bytes[start + 2] == 13 && bytes[start + 3] == 10 {
            return start + 4
        }
        return nil
    }
}
