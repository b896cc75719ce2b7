import NIOCore
import PalisadeABCISocket
import PalisadeCrypto
import PalisadeTypes

/// One request handed to the signer's connection, and the promise its response completes.
struct PrivvalCall: Sendable {
    var request: PrivvalRequest
    var response: EventLoopPromise<PrivvalResponse>
}

/// The node's end of one signer connection. The protocol has no request IDs: each response
/// answers the oldest request, so anything out of step (a message that does not parse, a
/// response nobody asked for, a lost socket) fails every waiting call and closes the connection.
/// A reconnecting signer starts a fresh stream.
final class PrivvalClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PrivvalCall
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<PrivvalResponse>>()
    /// Told of the channel once it is active: the listener adopts it then.
    private let onActive: @Sendable (any Channel) -> Void

    init(onActive: @escaping @Sendable (any Channel) -> Void) {
        self.onActive = onActive
    }

    func channelActive(context: ChannelHandlerContext) {
        onActive(context.channel)
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        waiting.append(call.response)
        let frame = ABCIFrame.buffer(call.request.serializedBytes, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response: PrivvalResponse
        do {
            response = try PrivvalResponse(serializedBytes: Bytes(buffer: unwrapInboundIn(data)))
        } catch {
            fail(context: context, .unavailable("\(error)"))
            return
        }
        guard let oldest = waiting.popFirst() else {
            fail(context: context, .unavailable("the signer sent a response nobody asked for"))
            return
        }
        oldest.succeed(response)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, .unavailable("signer connection: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(.unavailable("the signer closed the connection"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failWaiting(.unavailable("signer connection torn down"))
    }

    private func fail(context: ChannelHandlerContext, _ error: SignerError) {
        failWaiting(error)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: SignerError) {
        while let next = waiting.popFirst() { next.fail(error) }
    }
}
