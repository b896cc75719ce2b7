/// One JSON-RPC method: its argument names (the order positional `params` use, and the URI
/// query keys), where it may be called, and the handler that turns arguments into a result.
struct RPCMethod: Sendable {
    let argumentNames: [String]
    /// Only over `/websocket` (subscriptions); HTTP callers get "Method not found".
    let webSocketOnly: Bool
    /// Only when `RPCServerConfiguration.unsafe` is set.
    let unsafe: Bool
    let handler: @Sendable (RPCParams, RPCCall) async throws -> JSONValue

    init(_ argumentNames: [String] = [], webSocketOnly: Bool = false, unsafe: Bool = false,
         handler: @escaping @Sendable (RPCParams, RPCCall) async throws -> JSONValue) {
        self.argumentNames = argumentNames
        self.webSocketOnly = webSocketOnly
        self.unsafe = unsafe
        self.handler = handler
    }
}

/// What a handler can reach: the backend, the limits, and (over WebSocket) the session that
/// owns subscriptions.
struct RPCCall: Sendable {
    let backend: any RPCBackend
    let configuration: RPCServerConfiguration
    let session: WebSocketSession?
    /// The request's id (subscriptions answer every event with it); `nil` for URI calls.
    let requestID: JSONValue?
}

/// CometBFT v0.38's route table (`rpc/core/routes.go`).
enum RPCRoutes {
    static let table: [String: RPCMethod] = {
        var t: [String: RPCMethod] = [:]
        InfoMethods.register(into: &t)
        BlockMethods.register(into: &t)
        TxMethods.register(into: &t)
        ABCIMethods.register(into: &t)
        SubscriptionMethods.register(into: &t)
        return t
    }()
}
