import Logging
import NIOCore
import PalisadeABCI

/// One call handed to a connection's channel: the encoded request, the method it is, and the
/// promise its response completes. `flush` asks for a Flush request right behind it (the
/// consensus, query and snapshot connections' one-call-at-a-time rhythm); without it the request
/// is pipelined: the handler sends one Flush behind every request written in the same event-loop
/// turn, so concurrent callers share it.
struct ABCIClientCall {
    var method: ABCIMethod
    var body: Bytes
    var response: EventLoopPromise<ABCIResponse>
    var flush: EventLoopPromise<ABCIResponse>?
}

/// The client side of one connection. Responses come back in request order (the server
/// processes a connection's requests in order), so each one completes the oldest waiting call;
/// any deviation (exception, wrong method, bad bytes, lost socket) fails the whole client.
final class ABCIClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ABCIClientCall
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var method: ABCIMethod
        var promise: EventLoopPromise<ABCIResponse>
    }

    private let connection: ABCIConnectionKind
    private let failure: ABCIClientFailure
    private let logger: Logger
    private var waiting = CircularBuffer<Waiting>()
    /// Pipelined requests written since the last Flush request.
    private var unflushed = false
    /// A task is queued on the event loop to send the Flush for them.
    private var flushQueued = false

    init(connection: ABCIConnectionKind, failure: ABCIClientFailure, logger: Logger) {
        self.connection = connection
        self.failure = failure
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        if let error = failure.current {
            call.response.fail(error)
            call.flush?.fail(error)
            promise?.fail(error)
            return
        }
        waiting.append(Waiting(method: call.method, promise: call.response))
        context.write(wrapOutboundOut(ABCIFrame.buffer(call.body, allocator: context.channel.allocator)), promise: promise)
        if let flush = call.flush {
            writeFlushRequest(context: context, promise: flush)
        } else {
            unflushed = true
            if !flushQueued {
                // Runs after every write already queued on the loop: those share this Flush.
                flushQueued = true
                context.eventLoop.assumeIsolated().execute {
                    self.flushQueued = false
                    self.flush(context: context)
                }
            }
        }
    }

    func flush(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            writeFlushRequest(context: context, promise: context.eventLoop.makePromise())
        }
        context.flush()
    }

    private func writeFlushRequest(context: ChannelHandlerContext, promise: EventLoopPromise<ABCIResponse>) {
        waiting.append(Waiting(method: .flush, promise: promise))
        let body = ABCIRequest.flush.serializedBytes
        context.write(wrapOutboundOut(ABCIFrame.buffer(body, allocator: context.channel.allocator)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Bytes(buffer: unwrapInboundIn(data))
        let response: ABCIResponse
        do {
            response = try ABCIResponse(serializedBytes: bytes)
        } catch {
            fail(context: context, .malformedResponse(error.description))
            return
        }
        guard let oldest = waiting.first else {
            fail(context: context, .unexpectedResponse(got: "\(Self.name(of: response)) (no request waiting)"))
            return
        }
        if case .exception(let text) = response {
            fail(context: context, .exception(text))
            return
        }
        guard ABCIMethod(response) == oldest.method else {
            fail(context: context, .unexpectedResponse(got: Self.name(of: response)))
            return
        }
        waiting.removeFirst()
        oldest.promise.succeed(response)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case ABCIFrameError.oversized(let length, let limit): fail(context: context, .oversizedFrame(length: length, limit: limit))
        case let frameError as ABCIFrameError: fail(context: context, .malformedResponse(frameError.description))
        default: fail(context: context, .connectionClosed(String(describing: error)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, .connectionClosed("the app closed the socket"))
        context.fireChannelInactive()
    }

    /// Nothing may wait forever on a handler that is gone.
    func handlerRemoved(context: ChannelHandlerContext) {
        failWaiting(failure.current ?? ABCIClientError(connection: connection, method: waiting.first?.method,
                                                       reason: .connectionClosed("connection torn down")))
    }

    /// Records the failure (the first one on any connection stands), fails every waiting call
    /// with it, and closes this socket.
    private func fail(context: ChannelHandlerContext, _ reason: ABCIClientError.Reason) {
        let error = ABCIClientError(connection: connection, method: waiting.first?.method, reason: reason)
        let standing = failure.record(error)
        if standing == error, reason != .closed {
            logger.error("\(error.description)")
        }
        failWaiting(standing)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: ABCIClientError) {
        while let next = waiting.popFirst() { next.promise.fail(error) }
    }

    private static func name(of response: ABCIResponse) -> String {
        ABCIMethod(response)?.rawValue ?? "Exception"
    }
}
