import NIOCore

/// The step after the secret handshake (WIRE-FORMAT.md §3a): sends our node info as the first
/// frame, takes the peer's first frame as its node info, and hands the connection over only when
/// that info names the authenticated node and is compatible with ours. A peer of another chain
/// is closed here with both values in the log, before any of its messages reach a reactor.
/// Frames that arrive behind the node info are passed on to the peer handler.
final class NodeInfoExchange: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = InboundMessage
    typealias InboundOut = InboundMessage
    typealias OutboundOut = OutboundFrame

    private let ours: NodeInfo
    private let peer: String
    private let deadline: TimeAmount
    private let connect: (NodeInfo) -> PeerConnection
    private let promise: EventLoopPromise<PeerConnection>
    private let log: @Sendable (String) -> Void
    private var finished = false
    private var timeout: Scheduled<Void>?

    /// `peer` is the authenticated ID and where it connects from, for the log; `connect` makes
    /// the connection once the peer's info is accepted; `deadline` bounds the wait for it.
    init(ours: NodeInfo, peer: String, deadline: TimeAmount, promise: EventLoopPromise<PeerConnection>,
         log: @escaping @Sendable (String) -> Void, connect: @escaping (NodeInfo) -> PeerConnection) {
        self.ours = ours
        self.peer = peer
        self.deadline = deadline
        self.promise = promise
        self.log = log
        self.connect = connect
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) {
            self.fail(context: context, error: .badNodeInfo("not received in time"))
        }
    }

    /// Sends our node info; called once the frame encoder is in place (handlers are added in
    /// an order of NIO's choosing, so not from `handlerAdded`).
    func sendOurs() {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(OutboundFrame(channel: ChannelIDs.control, bytes: ours.encoded())),
                              promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else {
            context.fireChannelRead(data)
            return
        }
        let message = unwrapInboundIn(data)
        do {
            let info = try accept(message)
            finished = true
            timeout?.cancel()
            promise.succeed(connect(info))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            fail(context: context, error: error)
        }
    }

    private func accept(_ message: InboundMessage) throws(P2PError) -> NodeInfo {
        guard message.channel == ChannelIDs.control else {
            throw .badNodeInfo("the first message is on channel \(message.channel), not the control channel")
        }
        let info = try NodeInfo(decoding: message.bytes)
        let authenticated = String(peer.prefix { $0 != "@" })
        guard info.nodeID.lowercased() == authenticated else {
            throw .badNodeInfo("names node \(info.nodeID), but the handshake authenticated \(authenticated)")
        }
        if let problem = info.incompatibility(with: ours) { throw .incompatiblePeer(problem) }
        return info
    }

    private func fail(context: ChannelHandlerContext, error: P2PError) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        log("p2p: closing the connection with \(peer): \(error)")
        promise.fail(error)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !finished else {
            context.fireErrorCaught(error)
            return
        }
        fail(context: context, error: error as? P2PError ?? .socket("\(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, error: .connectionClosed)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // Never leave the promise unfulfilled (the channel torn down before the info came).
        fail(context: context, error: .connectionClosed)
    }
}
