import NIOCore
import NIOPosix
import PalisadeCrypto

/// Opens authenticated connections: `listen` for inbound peers, `dial` for outbound ones.
public struct P2PTransport: Sendable {
    public let group: any EventLoopGroup
    public let configuration: P2PConfiguration

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                configuration: P2PConfiguration = P2PConfiguration()) {
        self.group = group
        self.configuration = configuration
    }

    public func listen(host: String, port: Int, nodeKey: NodeKey) async throws -> P2PListener {
        let (peers, continuation) = AsyncStream<PeerConnection>.makeStream()
        let configuration = self.configuration
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                let promise = child.eventLoop.makePromise(of: PeerConnection.self)
                promise.futureResult.whenSuccess { continuation.yield($0) }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        HandshakeHandler(nodeKey: nodeKey, expectedPeerID: nil,
                                         configuration: configuration, promise: promise))
                }
            }
            .bind(host: host, port: port)
            .get()
        return P2PListener(channel: channel, peers: peers, continuation: continuation)
    }

    /// Connects and authenticates; fails with `P2PError.unexpectedPeerID` when the node at the
    /// address is not `expectedID`.
    public func dial(host: String, port: Int, expectedID: String?, nodeKey: NodeKey) async throws -> PeerConnection {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: PeerConnection.self)
        let configuration = self.configuration
        do {
            _ = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(configuration.handshakeTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            HandshakeHandler(nodeKey: nodeKey, expectedPeerID: expectedID,
                                             configuration: configuration, promise: promise))
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            promise.fail(error)
            throw error
        }
        return try await promise.futureResult.get()
    }
}
