import Logging
import NIOCore
import PalisadeABCI

/// The server side of one connection. Requests are answered strictly in order, one at a time:
/// what arrived in one read burst is handed to the app as a batch, its responses are written and
/// flushed together, then the next batch starts. While a batch is with the app, reading pauses
/// once `highWater` requests are queued, so a client that floods the socket meets TCP flow
/// control rather than unbounded buffering here.
final class ABCIServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let highWater = 4096

    private let app: any Application
    private let logger: Logger
    private var queued: [ABCIRequest] = []
    private var busy = false
    private var readPaused = false

    init(app: any Application, logger: Logger) {
        self.app = app
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Bytes(buffer: unwrapInboundIn(data))
        do {
            queued.append(try ABCIRequest(serializedBytes: bytes))
        } catch {
            drop(context: context, "malformed request: \(error)")
            return
        }
        if queued.count >= Self.highWater, !readPaused {
            readPaused = true
            context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        startBatch(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let frameError as ABCIFrameError: drop(context: context, frameError.description)
        default:
            logger.debug("ABCI connection error", metadata: ["peer": "\(Self.peer(context))", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    /// Bytes we cannot frame or decode leave nothing to answer: the connection is closed and the
    /// reason logged (other connections are unaffected).
    private func drop(context: ChannelHandlerContext, _ reason: String) {
        logger.warning("closing ABCI connection", metadata: ["peer": "\(Self.peer(context))", "reason": "\(reason)"])
        queued.removeAll()
        context.close(promise: nil)
    }

    private func startBatch(context: ChannelHandlerContext) {
        guard !busy, !queued.isEmpty, context.channel.isActive else { return }
        busy = true
        let batch = queued
        queued.removeAll(keepingCapacity: true)
        if readPaused {
            readPaused = false
            context.channel.setOption(.autoRead, value: true).whenFailure { _ in }
            context.read()
        }
        let app = self.app
        let allocator = context.channel.allocator
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        Task {
            var out = allocator.buffer(capacity: 64 * batch.count)
            for request in batch {
                let response = await app.respond(to: request)
                ABCIFrame.write(response.serializedBytes, to: &out)
            }
            let framed = out
            bound.eventLoop.execute {
                let (handler, context) = bound.value
                handler.busy = false
                guard context.channel.isActive else { return }
                context.writeAndFlush(handler.wrapOutboundOut(framed), promise: nil)
                handler.startBatch(context: context)
            }
        }
    }

    private static func peer(_ context: ChannelHandlerContext) -> String {
        context.channel.remoteAddress.map { "\($0)" } ?? "unix socket"
    }
}
