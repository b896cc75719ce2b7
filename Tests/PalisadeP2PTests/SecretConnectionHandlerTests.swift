import NIOCore
import NIOEmbedded
import NIOPosix
import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// Sits behind `SecretConnectionHandler`: reports the established key, collects plaintext, and
/// answers with `reply` once established.
final class SecretConnectionProbe: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let established: EventLoopPromise<Ed25519PublicKey>
    let received: EventLoopPromise<Bytes>
    let expected: Int
    let reply: Bytes
    var events: [SecretConnectionEstablished] = []
    var bytes = Bytes()
    var errors: [any Error] = []

    init(eventLoop: any EventLoop, expected: Int, reply: Bytes = []) {
        established = eventLoop.makePromise()
        received = eventLoop.makePromise()
        self.expected = expected
        self.reply = reply
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? SecretConnectionEstablished {
            events.append(event)
            established.succeed(event.remotePublicKey)
            if !reply.isEmpty { context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        if bytes.count >= expected { received.succeed(bytes) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
        established.fail(error)
        received.fail(error)
        context.fireErrorCaught(error)
    }
}

@Suite struct SecretConnectionHandlerTests {
    let nodeKey = makeEd25519Key(1), signerKey = makeEd25519Key(2)

    /// Two handlers over real sockets: the dialler writes before the handshake is done.
    @Test(.timeLimit(.minutes(1))) func loopbackHandshakeAndData() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let toServer = payload(index: 1, size: 3000), toClient = payload(index: 2, size: 2049)
        let serverProbe = loop.makePromise(of: NIOLoopBound<SecretConnectionProbe>.self)
        let (nodeKey, signerKey) = (nodeKey, signerKey)
        let server = try await ServerBootstrap(group: loop)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let probe = SecretConnectionProbe(eventLoop: child.eventLoop, expected: toServer.count, reply: toClient)
                    try child.pipeline.syncOperations.addHandlers([SecretConnectionHandler(privateKey: nodeKey), probe])
                    serverProbe.succeed(NIOLoopBound(probe, eventLoop: child.eventLoop))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let clientProbe = loop.makePromise(of: NIOLoopBound<SecretConnectionProbe>.self)
        let client = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let probe = SecretConnectionProbe(eventLoop: channel.eventLoop, expected: toClient.count)
                    try channel.pipeline.syncOperations.addHandlers([SecretConnectionHandler(privateKey: signerKey), probe])
                    clientProbe.succeed(NIOLoopBound(probe, eventLoop: channel.eventLoop))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await client.writeAndFlush(ByteBuffer(bytes: toServer))

        let (serverSide, clientSide) = (try await serverProbe.futureResult.get(), try await clientProbe.futureResult.get())
        let serverSaw = try await loop.flatSubmit { serverSide.value.established.futureResult }.get()
        let clientSaw = try await loop.flatSubmit { clientSide.value.established.futureResult }.get()
        #expect(serverSaw == signerKey.publicKey)
        #expect(clientSaw == nodeKey.publicKey)
        #expect(try await loop.flatSubmit { serverSide.value.received.futureResult }.get() == toServer)
        #expect(try await loop.flatSubmit { clientSide.value.received.futureResult }.get() == toClient)

        try await client.close()
        try await server.close()
        try await group.shutdownGracefully()
    }

    /// One handler on an embedded channel, the peer played by the pure core: deterministic.
    struct Embedded {
        let channel = EmbeddedChannel()
        let probe: SecretConnectionProbe
        var peer: SecretConnectionHandshake

        init(nodeKey: Ed25519PrivateKey, peerKey: Ed25519PrivateKey, timeout: TimeAmount = .seconds(10),
             reply: Bytes = []) throws {
            probe = SecretConnectionProbe(eventLoop: channel.embeddedEventLoop, expected: 1, reply: reply)
            peer = makeSecretHandshake(peerKey, seed: 40)
            try channel.pipeline.syncOperations.addHandlers(
                [SecretConnectionHandler(privateKey: nodeKey, handshakeTimeout: timeout), probe])
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 26659)).wait()
        }

        func outbound() throws -> Bytes {
            var out = Bytes()
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                out += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
            return out
        }

        /// Runs the handshake; returns the peer's side of the connection.
        mutating func establish() throws -> SecretConnection {
            let hello = try outbound()
            let (auth, _) = split(try peer.receive(hello))
            try channel.writeInbound(ByteBuffer(bytes: peer.hello + auth))
            let (_, connection) = split(try peer.receive(try outbound()))
            return try #require(connection)
        }
    }

    @Test func plaintextFlowsBothWaysAfterTheEvent() throws {
        var embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey)
        var peerSide = try embedded.establish()
        #expect(embedded.probe.events == [SecretConnectionEstablished(remotePublicKey: signerKey.publicKey)])
        try embedded.channel.writeInbound(ByteBuffer(bytes: try peerSide.seal(Bytes("ping".utf8))))
        #expect(embedded.probe.bytes == Bytes("ping".utf8))
        try embedded.channel.writeAndFlush(ByteBuffer(bytes: Bytes("pong".utf8))).wait()
        #expect(try peerSide.open(try embedded.outbound()) == Bytes("pong".utf8))
    }

    /// A write made before the handshake is held, then sealed ahead of anything written in
    /// reaction to the established event (the probe's reply).
    @Test func earlyWriteArrivesAfterEstablishment() throws {
        let reply = Bytes("on established".utf8)
        var embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey, reply: reply)
        let early = payload(index: 3, size: 1500)
        embedded.channel.write(ByteBuffer(bytes: early), promise: nil)
        embedded.channel.flush()
        let hello = try embedded.outbound()
        #expect(hello.count == 35)
        let (auth, _) = split(try embedded.peer.receive(hello))
        try embedded.channel.writeInbound(ByteBuffer(bytes: embedded.peer.hello + auth))
        let afterHandshake = try embedded.outbound()
        // The handler's auth frame, two frames for the 1500 held bytes, one for the reply.
        #expect(afterHandshake.count == 4 * SecretFrame.sealedSize)
        var peerSide = try #require(split(try embedded.peer.receive(Bytes(afterHandshake.prefix(SecretFrame.sealedSize)))).connection)
        #expect(try peerSide.open(afterHandshake.dropFirst(SecretFrame.sealedSize)) == early + reply)
    }

    @Test func tamperedFrameClosesTheChannel() throws {
        var embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey)
        var peerSide = try embedded.establish()
        var sealed = try peerSide.seal(Bytes("sign this".utf8))
        sealed[7] ^= 0x01
        #expect(throws: SecretConnectionError.frameDecryptFailed(counter: 1)) {
            try embedded.channel.writeInbound(ByteBuffer(bytes: sealed))
        }
        #expect(!embedded.channel.isActive)
        #expect(embedded.probe.bytes.isEmpty)
    }

    @Test func wrongSignatureClosesTheChannel() throws {
        let embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey)
        let peer = HandBuiltPeer(seed: 30)
        let hello = try embedded.outbound()
        let auth = try peer.auth(remoteHello: hello) { signerKey.sign($0) }
        #expect(throws: SecretConnectionError.badChallengeSignature) {
            try embedded.channel.writeInbound(ByteBuffer(bytes: peer.hello + auth))
        }
        #expect(!embedded.channel.isActive)
        #expect(embedded.probe.events.isEmpty)
    }

    @Test func truncatedFrameIsReportedAtClose() throws {
        var embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey)
        var peerSide = try embedded.establish()
        let sealed = try peerSide.seal(Bytes("half".utf8))
        try embedded.channel.writeInbound(ByteBuffer(bytes: sealed.prefix(600)))
        embedded.channel.pipeline.fireChannelInactive()
        #expect(embedded.probe.errors.map { $0 as? SecretConnectionError }
            == [.truncated(have: 600, need: SecretFrame.sealedSize)])
    }

    @Test func silentPeerHitsTheDeadline() throws {
        let embedded = try Embedded(nodeKey: nodeKey, peerKey: signerKey, timeout: .seconds(5))
        embedded.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(embedded.channel.isActive)
        embedded.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!embedded.channel.isActive)
        #expect(embedded.probe.errors.map { $0 as? SecretConnectionError } == [.handshakeTimeout])
    }
}
