import NIOCore
import PalisadeCrypto

/// Speaks CometBFT v0.38's secret connection on a channel: runs `SecretConnectionHandshake` as
/// soon as the channel is active, then passes the peer's plaintext up and seals writes down
/// (1024 data bytes a frame). Writes made before the handshake completes are held and sent
/// after it, in order. On success it fires `SecretConnectionEstablished` inbound; on any failure
/// (including the deadline) it logs, fires the `SecretConnectionError` through `errorCaught`,
/// fails held writes and closes the channel.
public final class SecretConnectionHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// CometBFT's p2p gives the handshake 20 s and privval's endpoints 3–5 s per read; 10 s
    /// leaves a slow HSM-backed signer room without letting a silent peer hold a slot for long.
    public static let defaultHandshakeTimeout = TimeAmount.seconds(10)

    private enum State {
        case idle(SecretConnectionHandshake)
        case handshaking(SecretConnectionHandshake)
        case established(SecretConnection)
        case closed
    }

    private var state: State
    private let handshakeTimeout: TimeAmount
    private let log: @Sendable (String) -> Void
    private var heldWrites: [(data: ByteBuffer, promise: EventLoopPromise<Void>?)] = []
    private var flushHeld = false
    private var deadline: Scheduled<Void>?

    public init(privateKey: Ed25519PrivateKey, handshakeTimeout: TimeAmount = defaultHandshakeTimeout,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        var generator = SystemRandomNumberGenerator()
        self.state = .idle(SecretConnectionHandshake(privateKey: privateKey, using: &generator))
        self.handshakeTimeout = handshakeTimeout
        self.log = log
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard case .idle(let handshake) = state else { return }
        state = .handshaking(handshake)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) {
            self.fail(context: context, error: .handshakeTimeout)
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: handshake.hello)), promise: nil)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            switch state {
            case .idle, .closed:
                return
            case .handshaking(var handshake):
                let directives = try handshake.receive(bytes)
                state = .handshaking(handshake)
                for directive in directives {
                    switch directive {
                    case .send(let out):
                        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: out)), promise: nil)
                    case .established(let connection):
                        try established(context: context, connection: connection)
                    }
                }
            case .established(var connection):
                let plaintext = try connection.open(bytes)
                state = .established(connection)
                if !plaintext.isEmpty { context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: plaintext))) }
            }
        } catch {
            fail(context: context, error: error)
        }
    }

    private func established(context: ChannelHandlerContext, connection: SecretConnection) throws(SecretConnectionError) {
        deadline?.cancel()
        var connection = connection
        let early = connection.takePendingPlaintext()
        state = .established(connection)
        // Held writes first: they were issued before anything a handler does on the event.
        // Taken one at a time, so that on a failure the rest are still held and get failed.
        while !heldWrites.isEmpty {
            let write = heldWrites.removeFirst()
            do { try sealAndWrite(context: context, data: write.data, promise: write.promise) } catch {
                write.promise?.fail(error)
                throw error
            }
        }
        if flushHeld { context.flush() }
        flushHeld = false
        context.fireUserInboundEventTriggered(SecretConnectionEstablished(remotePublicKey: connection.remotePublicKey))
        if !early.isEmpty { context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: early))) }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking:
            heldWrites.append((buffer, promise))
        case .established:
            do { try sealAndWrite(context: context, data: buffer, promise: promise) } catch {
                promise?.fail(error)
                fail(context: context, error: error)
            }
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        if case .established = state { context.flush() } else { flushHeld = true }
    }

    private func sealAndWrite(context: ChannelHandlerContext, data: ByteBuffer, promise: EventLoopPromise<Void>?)
        throws(SecretConnectionError)
    {
        guard case .established(var connection) = state else { return }
        let sealed = try connection.seal(data.getBytes(at: data.readerIndex, length: data.readableBytes) ?? [])
        state = .established(connection)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: sealed)), promise: promise)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .handshaking(let handshake):
            do { try handshake.finish() } catch { fail(context: context, error: error) }
        case .established(let connection):
            do { try connection.finish() } catch { fail(context: context, error: error) }
        case .idle, .closed:
            break
        }
        state = .closed
        deadline?.cancel()
        failHeldWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        // Never leave a held write's promise unfulfilled, nor a deadline pointing at this context.
        deadline?.cancel()
        failHeldWrites(ChannelError.ioOnClosedChannel)
    }

    private func fail(context: ChannelHandlerContext, error: SecretConnectionError) {
        if case .closed = state { return }
        state = .closed
        deadline?.cancel()
        let remote = context.channel.remoteAddress.map { "\($0)" } ?? "?"
        log("secret connection with \(remote) failed: \(error)")
        failHeldWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failHeldWrites(_ error: any Error) {
        let held = heldWrites
        heldWrites = []
        for write in held { write.promise?.fail(error) }
    }
}
