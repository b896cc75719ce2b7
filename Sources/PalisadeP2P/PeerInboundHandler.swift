import NIOCore

/// The last handler of an established connection: hands decrypted messages to the
/// `PeerConnection`'s inbound sequence and turns any error into a disconnect with a reason.
///
/// It also applies back-pressure: once `bufferLimit` messages or `byteLimit` bytes wait unconsumed, it holds back the
/// channel's `read` so the socket stops being drained and TCP flow control slows the peer, and
/// releases it when the consumer has caught up to half the limits. A fast peer therefore cannot
/// make us buffer without bound.
final class PeerInboundHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundMessage
    typealias OutboundIn = OutboundFrame
    typealias OutboundOut = OutboundFrame

    private let continuation: AsyncThrowingStream<InboundMessage, any Error>.Continuation
    private let describePeer: String
    private let log: @Sendable (String) -> Void
    private let bufferLimit: Int
    private let byteLimit: Int
    private var closing = false
    private var buffered = 0
    /// Sizes of the messages not yet consumed, oldest first (they are consumed in order).
    private var bufferedSizes = CircularBuffer<Int>()
    private var bufferedBytes = 0
    private var paused = false
    private var readHeldBack = false
    private var context: ChannelHandlerContext?

    init(continuation: AsyncThrowingStream<InboundMessage, any Error>.Continuation, describePeer: String,
         bufferLimit: Int, byteLimit: Int, log: @escaping @Sendable (String) -> Void) {
        self.continuation = continuation
        self.describePeer = describePeer
        self.bufferLimit = max(1, bufferLimit)
        self.byteLimit = max(1, byteLimit)
        self.log = log
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        buffered += 1
        bufferedSizes.append(message.bytes.count)
        bufferedBytes += message.bytes.count
        if buffered >= bufferLimit || bufferedBytes >= byteLimit { paused = true }
        continuation.yield(message)
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readHeldBack = true
        } else {
            context.read()
        }
    }

    /// Called on the event loop each time the consumer takes a message from the inbound sequence.
    func consumed() {
        buffered = max(0, buffered - 1)
        if let size = bufferedSizes.popFirst() { bufferedBytes -= size }
        guard paused, buffered <= bufferLimit / 2, bufferedBytes <= byteLimit / 2 else { return }
        paused = false
        if readHeldBack, let context {
            readHeldBack = false
            context.read()
        }
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
