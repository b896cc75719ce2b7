import NIOCore
import PalisadeCrypto

/// Runs `Handshake` on a fresh connection. On success it installs the frame codec, the node-info
/// exchange and the peer handler behind itself, passes on any bytes that arrived after the peer's
/// auth and removes itself; the exchange fulfils `promise` with the `PeerConnection`. On failure
/// or timeout it closes the channel.
final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case idle, awaitingHello, awaitingAuth, done }

    private var handshake: Handshake
    private let nodeID: String
    private let configuration: P2PConfiguration
    private let promise: EventLoopPromise<PeerConnection>
    private var phase = Phase.idle
    private var received: ByteBuffer?
    private var timeout: Scheduled<Void>?

    init(nodeKey: NodeKey, expectedPeerID: String?, configuration: P2PConfiguration,
         promise: EventLoopPromise<PeerConnection>) {
        var generator = SystemRandomNumberGenerator()
        self.handshake = Handshake(nodeKey: nodeKey, expectedPeerID: expectedPeerID, using: &generator)
        self.nodeID = nodeKey.id
        self.configuration = configuration
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard phase == .idle else { return }
        phase = .awaitingHello
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: configuration.handshakeTimeout) {
            self.fail(context: context, error: .handshakeTimeout)
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: handshake.hello)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase == .awaitingHello || phase == .awaitingAuth else { return }
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received?.writeBuffer(&bytes) }
        do {
            try advance(context: context)
        } catch {
            fail(context: context, error: error)
        }
    }

    private func advance(context: ChannelHandlerContext) throws(P2PError) {
        if phase == .awaitingHello, let hello = received?.readBytes(length: WireProtocol.helloSize) {
            let auth = try handshake.receiveHello(hello)
            phase = .awaitingAuth
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: auth)), promise: nil)
        }
        guard phase == .awaitingAuth, let auth = received?.readBytes(length: WireProtocol.authSize) else { return }
        let outcome = try handshake.receiveAuth(auth)
        established(context: context, outcome: outcome)
    }

    private func established(context: ChannelHandlerContext, outcome: HandshakeOutcome) {
        let (sealer, opener) = outcome.makeStream(maxMessageSize: configuration.maxMessageSize)
        let (stream, continuation) = AsyncThrowingStream<InboundMessage, any Error>.makeStream()
        let remote = context.channel.remoteAddress.map(Self.describe) ?? "?"
        let inboundHandler = PeerInboundHandler(
            continuation: continuation, describePeer: "\(outcome.peerID)@\(remote)",
            bufferLimit: configuration.inboundBufferLimit, byteLimit: configuration.inboundBufferByteLimit,
            log: configuration.log)
        let inbound = InboundMessages(stream: stream, handler: NIOLoopBound(inboundHandler, eventLoop: context.eventLoop))
        let (channel, maxMessageSize) = (context.channel, configuration.maxMessageSize)
        var ours = configuration.nodeInfo
        ours.nodeID = nodeID
        // The promise is fulfilled by the node-info exchange, once the peer's info is accepted.
        let exchange = NodeInfoExchange(
            ours: ours, peer: "\(outcome.peerID)@\(remote)", deadline: configuration.handshakeTimeout, promise: promise,
            log: configuration.log
        ) { info in
            PeerConnection(outcome: outcome, nodeInfo: info, remoteAddress: remote, inbound: inbound, channel: channel,
                           maxMessageSize: maxMessageSize)
        }
        phase = .done
        timeout?.cancel()
        do {
            try context.pipeline.syncOperations.addHandlers(
                [ByteToMessageHandler(FrameDecoder(opener: opener)), FrameEncoder(sealer: sealer), exchange, inboundHandler],
                position: .after(self))
        } catch {
            continuation.finish(throwing: error)
            promise.fail(P2PError.connectionClosed)
            context.close(promise: nil)
            return
        }
        exchange.sendOurs()
        if let leftover = received, leftover.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(leftover))
        }
        received = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, error: P2PError) {
        guard phase != .done else { return }
        phase = .done
        timeout?.cancel()
        let remote = context.channel.remoteAddress.map(Self.describe) ?? "?"
        configuration.log("p2p: handshake with \(remote) failed: \(error)")
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let have = received?.readableBytes ?? 0
        let need = phase == .awaitingAuth ? WireProtocol.authSize : WireProtocol.helloSize
        fail(context: context, error: .truncated(have: have, need: need))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error: error as? P2PError ?? .socket("\(error)"))
    }

    /// `host:port` (`[v6]:port`) as CometBFT prints peers, rather than NIO's `[IPv4]host/host:port`.
    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Never leave the promise unfulfilled (for example when the channel is torn down early).
        fail(context: context, error: .connectionClosed)
    }
}
