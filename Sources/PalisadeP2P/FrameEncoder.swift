import NIOCore
import PalisadeCrypto

/// A message to seal and send on a channel.
struct OutboundFrame: Sendable {
    let channel: ChannelID
    let bytes: Bytes
}

/// Seals outbound messages in order, so the nonce counter matches the order on the wire.
final class FrameEncoder: ChannelOutboundHandler {
    typealias OutboundIn = OutboundFrame
    typealias OutboundOut = ByteBuffer

    private var sealer: FrameSealer

    init(sealer: FrameSealer) { self.sealer = sealer }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        do {
            let bytes = try sealer.seal(channel: frame.channel, message: frame.bytes)
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: promise)
        } catch {
            promise?.fail(error)
            // A worn-out nonce counter ends the connection; an oversized message only fails its write.
            if error == .nonceExhausted { context.fireErrorCaught(error) }
        }
    }
}
