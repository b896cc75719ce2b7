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

    /// Inbound connections over `admission`'s bounds are closed as they are accepted.
    public func listen(host: String, port: Int, nodeKey: NodeKey,
                       admission: HandshakeAdmission = HandshakeAdmission()) async throws -> P2PListener {
        let (peers, continuation) = AsyncStream<PeerConnection>.makeStream()
        let configuration = self.configuration
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                let ip = child.remoteAddress?.ipAddress ?? "unknown"
                guard admission.admit(ip: ip) else {
                    configuration.log("refusing inbound connection from \(ip): \(admission.pendingCount) handshakes "
                        + "pending (max \(admission.maxPending), \(admission.maxPendingPerIP) per IP)")
                    return child.close()
                }
                let promise = child.eventLoop.makePromise(of: PeerConnection.self)
                promise.futureResult.whenComplete { result in
                    admission.finished(ip: ip)
                    if case .success(let connection) = result { continuation.yield(connection) }
                }
                let added = child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        HandshakeHandler(nodeKey: nodeKey, expectedPeerID: nil,
                                         configuration: configuration, promise: promise))
                }
                added.whenFailure { promise.fail($0) }
                return added
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
