import Logging
import NIOCore
import NIOPosix
import PalisadeABCI
import Synchronization

/// Serves an `Application` on a TCP or unix socket in CometBFT v0.38's ABCI wire format, to
/// CometBFT itself or to a Palisade node with `proxy_app = "tcp://..."`. Any number of
/// connections; each answers its requests in order, including Flush and Echo. An error the app
/// throws becomes an `exception` response (the client halts on it); bytes that cannot be framed
/// or decoded close that connection, with a log line.
public final class ABCISocketServer: Sendable {
    /// Where the server listens; for `tcp://host:0` the port the system chose.
    public let localAddress: ABCIAddress
    private let listener: any Channel
    private let open: Open
    private let logger: Logger

    private init(localAddress: ABCIAddress, listener: any Channel, open: Open, logger: Logger) {
        self.localAddress = localAddress
        self.listener = listener
        self.open = open
        self.logger = logger
    }

    /// Binds and starts accepting. A unix socket file left by an earlier run is replaced.
    public static func start(serving app: any Application, at address: ABCIAddress,
                             maxFrameBytes: Int = ABCISocket.defaultMaxFrameBytes,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             logger: Logger = Logger(label: "palisade.abci.server")) async throws -> ABCISocketServer {
        let open = Open()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                open.add(channel)
                logger.debug("ABCI connection opened", metadata: ["peer": "\(channel.remoteAddress.map { "\($0)" } ?? "unix")"])
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(ABCIFrameDecoder(maxBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(ABCIServerHandler(app: app, logger: logger))
                }
            }
        let listener: any Channel
        let local: ABCIAddress
        switch address {
        case .tcp(let host, let port):
            listener = try await bootstrap.bind(host: host, port: port).get()
            local = .tcp(host: host, port: listener.localAddress?.port ?? port)
        case .unix(let path):
            listener = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            local = address
        }
        logger.info("ABCI server listening", metadata: ["address": "\(local)"])
        return ABCISocketServer(localAddress: local, listener: listener, open: open, logger: logger)
    }

    /// Stops accepting and closes every open connection.
    public func close() async {
        try? await listener.close()
        let channels = open.channels.withLock { Array($0.values) }
        for channel in channels { try? await channel.close() }
        logger.info("ABCI server closed", metadata: ["address": "\(localAddress)"])
    }

    /// Returns once the listening socket is closed (by `close()`).
    public func waitUntilClosed() async {
        try? await listener.closeFuture.get()
    }

    /// How many connections are open now.
    public var connectionCount: Int { open.channels.withLock { $0.count } }

    /// The accepted connections, so `close()` can end them; each removes itself when it closes.
    private final class Open: Sendable {
        let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            let id = ObjectIdentifier(channel)
            channels.withLock { $0[id] = channel }
            channel.closeFuture.whenComplete { [self] _ in
                _ = channels.withLock { $0.removeValue(forKey: id) }
            }
        }
    }
}
