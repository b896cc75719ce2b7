import Foundation
import Hummingbird
// MaximumAvailableConnections lives here; Hummingbird does not re-export it.
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// CometBFT v0.38's JSON-RPC server over an `RPCBackend`: URI GET (`/block?height=5`), JSON-RPC
/// 2.0 POST at `/` (batches up to `maxBatch`), and WebSocket subscriptions at `/websocket`.
///
/// `run()` serves until its task is cancelled, then returns. With `port: 0` the system picks a
/// port; `listeningPort()` waits for the bind and returns it.
public final class RPCServer: Sendable {
    public let configuration: RPCServerConfiguration
    let dispatcher: RPCDispatcher
    let hub: SubscriptionHub
    let logger: Logger
    private let port = PortSignal()

    public init(backend: any RPCBackend, configuration: RPCServerConfiguration = RPCServerConfiguration(),
                logger: Logger = Logger(label: "palisade.rpc")) {
        self.configuration = configuration
        self.dispatcher = RPCDispatcher(backend: backend, configuration: configuration)
        self.hub = SubscriptionHub(configuration: configuration)
        self.logger = logger
    }

    /// The bound TCP port, once the server listens (waits until then); 0 if `run()` failed
    /// before binding.
    public func listeningPort() async -> Int { await port.value() }

    public func run() async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        addHTTPRoutes(to: router)
        addWebSocketRoute(to: router)
        var wsConfiguration = WebSocketServerConfiguration()
        wsConfiguration.maxFrameSize = max(wsConfiguration.maxFrameSize, configuration.maxBodyBytes)
        let app = Application(
            router: router,
            server: Self.serverBuilder(router: router, ws: wsConfiguration,
                                       requestHeadTimeout: configuration.requestHeadTimeout,
                                       idleTimeout: configuration.idleTimeout),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                availableConnectionsDelegate: configuration.maxOpenConnections > 0
                    ? MaximumAvailableConnections(configuration.maxOpenConnections, logger: logger) : nil),
            onServerRunning: { [port = self.port] channel in await port.set(channel.localAddress?.port ?? 0) },
            logger: logger)
        let backend = dispatcher.backend
        let hub = self.hub
        // Events are pumped for as long as the server runs; a backend that ends its stream
        // early stops the events, not the server.
        let pump = Task {
            for await event in await backend.events() { await hub.publish(event) }
        }
        defer { pump.cancel() }
        do {
            try await app.runService(gracefulShutdownSignals: [])
        } catch {
            // Wake anyone waiting for a port that will never be bound (the bind failed).
            await port.set(0)
            throw error
        }
    }

    /// HTTP/1 with the WebSocket upgrade, each connection behind a `RequestHeadDeadline`.
    private static func serverBuilder(router: Router<BasicWebSocketRequestContext>, ws: WebSocketServerConfiguration,
                                      requestHeadTimeout: Double, idleTimeout: Double) -> HTTPServerBuilder {
        let webSocketResponder = router.buildResponder()
        let deadline = TimeAmount.milliseconds(Int64(max(0.001, requestHeadTimeout) * 1_000))
        let idle = TimeAmount.milliseconds(Int64(max(0.001, idleTimeout) * 1_000))
        return HTTPServerBuilder { responder in
            RequestHeadDeadline(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                                    configuration: .init(ws: ws)),
                                deadline: deadline, idleTimeout: idle)
        }
    }

    private func addHTTPRoutes(to router: Router<BasicWebSocketRequestContext>) {
        let dispatcher = self.dispatcher
        let maxBody = configuration.maxBodyBytes
        router.post("/") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBody)
            } catch {
                let e = RPCError.invalidRequest("error reading request body: http: request body too large")
                // The rest of the body is not read: the connection closes after this answer.
                var response = Self.json(400, RPCDispatcher.envelope(id: nil, error: e))
                response.headers[.connection] = "close"
                return response
            }
            if body.readableBytes == 0 {
                return Self.html(dispatcher.endpointList(host: request.head.authority ?? ""))
            }
            let (status, answer) = await dispatcher.handlePost(body: Array(body.readableBytesView))
            guard let answer else { return Response(status: .ok) }
            return Self.json(status, answer)
        }
        router.get("/") { request, _ -> Response in
            Self.html(dispatcher.endpointList(host: request.head.authority ?? ""))
        }
        router.get("/{method}") { request, context -> Response in
            let name = context.parameters.get("method") ?? ""
            guard let (status, answer) = await dispatcher.handleURI(method: name, query: Self.query(request.uri.query))
            else { return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "404 page not found\n"))) }
            return Self.json(status, answer)
        }
    }

    /// Go's `URL.Query()`: `&`-separated, `+` is a space, percent-decoded; the first value wins.
    static func query(_ text: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if out[key] == nil { out[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return out
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        Response(status: HTTPResponse.Status(code: status),
                 headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The bound port, published once by `onServerRunning` to whoever waits for it.
actor PortSignal {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for w in waiters { w.resume(returning: value) }
        waiters = []
    }

    func value() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
