import Hummingbird
// MaximumAvailableConnections lives here; Hummingbird does not re-export it.
import HummingbirdCore
import Logging
import NIOCore

/// Serves the Prometheus text exposition at `GET /metrics` (CometBFT's `[instrumentation]`
/// listener); every other path is 404. The text comes from `render`, so this module needs no
/// metrics library: the node hands in its registry's output.
///
/// `run()` serves until its task is cancelled. A bind failure throws `RPCListenError` naming the
/// address; `listeningPort()` waits for the bind (0 if it failed).
public final class MetricsServer: Sendable {
    public let host: String
    public let port: Int
    /// `max_open_connections`: 0 is no limit; beyond it, connections wait to be accepted.
    public let maxOpenConnections: Int
    private let render: @Sendable () async -> [UInt8]
    private let logger: Logger
    private let bound = PortSignal()

    /// A scrape that has not sent its request head in this long is closed: silent sockets cannot
    /// hold the few connections a metrics listener allows.
    static let requestHeadTimeout = TimeAmount.seconds(10)
    /// A scrape's request is one line and a few headers.
    static let maxHeaderBytes = 16 * 1024

    public init(host: String, port: Int, maxOpenConnections: Int, logger: Logger,
                render: @escaping @Sendable () async -> [UInt8]) {
        self.host = host
        self.port = port
        self.maxOpenConnections = maxOpenConnections
        self.logger = logger
        self.render = render
    }

    public func listeningPort() async -> Int { await bound.value() }

    public func run() async throws {
        let router = Router()
        let render = self.render
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: await render())))
        }
        let deadline = Self.requestHeadTimeout
        let maxHeaderBytes = Self.maxHeaderBytes
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                RequestHeadDeadline(inner: HTTP1Channel(responder: responder), deadline: deadline, idleTimeout: deadline,
                                    maxHeaderBytes: maxHeaderBytes)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port),
                availableConnectionsDelegate: maxOpenConnections > 0
                    ? MaximumAvailableConnections(maxOpenConnections, logger: logger) : nil),
            onServerRunning: { [bound] channel in await bound.set(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [])
        } catch {
            guard await !bound.isSet else { throw error }
            await bound.set(0)
            throw RPCListenError(address: "tcp://" + RPCServer.hostPort(host, port), reason: "\(error)")
        }
    }
}
