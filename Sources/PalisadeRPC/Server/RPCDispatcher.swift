import Foundation

/// Turns JSON-RPC requests into responses, with CometBFT's rules for ids, notifications,
/// batches and errors. Transport-free: the HTTP routes and WebSocket sessions feed it.
struct RPCDispatcher: Sendable {
    let backend: any RPCBackend
    let configuration: RPCServerConfiguration
    let routes: [String: RPCMethod]

    init(backend: any RPCBackend, configuration: RPCServerConfiguration) {
        self.backend = backend
        self.configuration = configuration
        self.routes = RPCRoutes.table.filter { configuration.unsafe || !$0.value.unsafe }
    }

    /// A response envelope in CometBFT's field order; a `nil` id (parse errors) is omitted.
    static func envelope(id: JSONValue?, result: JSONValue) -> JSONValue {
        var m = [JSONMember("jsonrpc", .string("2.0"))]
        if let id { m.append(JSONMember("id", id)) }
        m.append(JSONMember("result", result))
        return .object(m)
    }

    static func envelope(id: JSONValue?, error: RPCError) -> JSONValue {
        var e = [JSONMember("code", .int(error.code)), JSONMember("message", .string(error.message))]
        if !error.data.isEmpty { e.append(JSONMember("data", .string(error.data))) }
        var m = [JSONMember("jsonrpc", .string("2.0"))]
        if let id { m.append(JSONMember("id", id)) }
        m.append(JSONMember("error", .object(e)))
        return .object(m)
    }

    /// The POST body at `/`: one request or a batch. Returns the HTTP status and the body to
    /// send (`nil`: nothing, when every request was a notification).
    func handlePost(body: [UInt8]) async -> (status: Int, body: JSONValue?) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: body)
        } catch {
            return (500, Self.envelope(id: nil, error: .parseError("error unmarshaling request: \(error)")))
        }
        var requests: [JSONValue]
        if case .array(let items) = parsed {
            if configuration.maxBatch > 0, items.count > configuration.maxBatch {
                let e = RPCError.invalidRequest(
                    "maximum JSON-RPC batch size exceeded, got: \(items.count), max: \(configuration.maxBatch)")
                return (400, Self.envelope(id: nil, error: e))
            }
            requests = items
        } else {
            requests = [parsed]
        }
        for request in requests {
            if let problem = Self.shapeProblem(request) {
                return (500, Self.envelope(id: nil, error: .parseError("error unmarshaling request: \(problem)")))
            }
        }
        var responses: [JSONValue] = []
        for request in requests {
            if let response = await call(request, session: nil) { responses.append(response) }
        }
        switch responses.count {
        case 0: return (200, nil)
        case 1: return (200, responses[0])
        default: return (200, .array(responses))
        }
    }

    /// Why `request` cannot be a JSON-RPC request object at all (Go fails to unmarshal it).
    static func shapeProblem(_ request: JSONValue) -> String? {
        guard case .object = request else { return "cannot unmarshal \(request.kindName) into RPCRequest" }
        switch request["id"] {
        case nil, .null?, .string?: break
        case .number(let n)?: if Int64(n) == nil { return "json-rpc ID must be a whole number, got \(n)" }
        case let other?: return "json-rpc ID (\(other.text)) is of unknown type"
        }
        switch request["method"] {
        case nil, .null?, .string?: break
        case let other?: return "cannot unmarshal \(other.kindName) into Go struct field RPCRequest.method of type string"
        }
        return nil
    }

    /// One request object; `nil` for a notification (no id), which gets no answer.
    func call(_ request: JSONValue, session: WebSocketSession?) async -> JSONValue? {
        guard let id = request["id"], id != .null else { return nil }
        guard case .string(let name)? = request["method"], let method = routes[name],
              session != nil || !method.webSocketOnly
        else { return Self.envelope(id: id, error: .methodNotFound) }
        let params: RPCParams
        do {
            params = try RPCParams(json: request["params"], names: method.argumentNames)
        } catch {
            return Self.envelope(id: id, error: error)
        }
        let outcome = await run(method, params, session: session, requestID: id)
        switch outcome {
        case .success(let result): return Self.envelope(id: id, result: result)
        case .failure(let error): return Self.envelope(id: id, error: error)
        }
    }

    /// A URI call (`GET /block?height=5`); the id is always -1.
    func handleURI(method name: String, query: [String: String]) async -> (status: Int, body: JSONValue)? {
        guard let method = routes[name] else { return nil }
        let id = JSONValue.number("-1")
        if method.webSocketOnly { return (404, Self.envelope(id: id, error: .methodNotFound)) }
        switch await run(method, RPCParams(query: query), session: nil, requestID: nil) {
        case .success(let result): return (200, Self.envelope(id: id, result: result))
        case .failure(let error): return (500, Self.envelope(id: id, error: error))
        }
    }

    /// Runs a handler within the query time budget; every failure becomes an `RPCError`.
    func run(_ method: RPCMethod, _ params: RPCParams, session: WebSocketSession?,
             requestID: JSONValue?) async -> Result<JSONValue, RPCError> {
        let call = RPCCall(backend: backend, configuration: configuration, session: session, requestID: requestID)
        let budget = configuration.queryTimeBudget
        do {
            let value = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                group.addTask { try await method.handler(params, call) }
                if budget > 0 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(Int64(budget * 1000)))
                        return nil
                    }
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw RPCError.internalError("request took longer than the \(budget)s query budget")
                }
                return value
            }
            return .success(value)
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(.internalError(String(describing: error)))
        }
    }

    /// What CometBFT shows at `GET /`: the routes, plain.
    func endpointList(host: String) -> String {
        var html = "<html><body><br>Available endpoints:<br>"
        let names = routes.filter { $0.value.argumentNames.isEmpty }.keys.sorted()
        for name in names { html += "<a href=\"//\(host)/\(name)\">//\(host)/\(name)</a></br>" }
        html += "<br>Endpoints that require arguments:<br>"
        for name in routes.filter({ !$0.value.argumentNames.isEmpty }).keys.sorted() {
            let args = routes[name]?.argumentNames.map { "\($0)=_" }.joined(separator: "&") ?? ""
            html += "<a href=\"//\(host)/\(name)?\(args)\">//\(host)/\(name)?\(args)</a></br>"
        }
        return html + "</body></html>"
    }
}
