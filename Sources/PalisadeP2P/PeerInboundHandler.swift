import NIOCore

/// The last handler of an established connection: hands decrypted messages to the
/// `PeerConnection`'s inbound sequence and turns any error into a disconnect with a reason.
final class PeerInboundHandler: ChannelInboundHandler {
    typealias InboundIn = InboundMessage

    private let continuation: AsyncThrowingStream<InboundMessage, any Error>.Continuation
    private let describePeer: String
    private let log: @Sendable (String) -> Void
    private var closing = false

    init(continuation: AsyncThrowingStream<InboundMessage, any Error>.Continuation,
         describePeer: String, log: @escaping @Sendable (String) -> Void) {
        self.continuation = continuation
        self.describePeer = describePeer
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        closing = true
        log("p2p: peer \(describePeer) disconnected: \(error)")
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !closing {
            closing = true
            log("p2p: peer \(describePeer) disconnected: connection closed")
        }
        continuation.finish()
        context.fireChannelInactive()
    }
}
