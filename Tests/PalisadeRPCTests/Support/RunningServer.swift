import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PalisadeRPC

/// A real `RPCServer` on 127.0.0.1 with a system-chosen port, for the length of `body`.
struct RunningServer {
    let port: Int
    let backend: FakeBackend
    let server: RPCServer

    static func with<T: Sendable>(_ configuration: RPCServerConfiguration = RPCServerConfiguration(host: "127.0.0.1", port: 0),
                                  base: Int64 = 1,
                                  _ body: (RunningServer) async throws -> T) async throws -> T {
        let backend = try FakeBackend(base: base)
        var logger = Logger(label: "rpc-test")
        logger.logLevel = .critical
        let server = RPCServer(backend: backend, configuration: configuration, logger: logger)
        let task = Task { try await server.run() }
        let port = await server.listeningPort()
        defer { task.cancel() }
        let result = try await body(RunningServer(port: port, backend: backend, server: server))
        task.cancel()
        _ = try? await task.value
        return result
    }

    struct HTTPResult {
        let status: Int
        let body: [UInt8]

        func json() throws -> JSONValue { try JSONValue(parsing: body) }
    }

    func post(_ body: [UInt8], path: String = "/") async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        return try await send(request)
    }

    /// Any method, with an optional body and content type (none when nil).
    func send(_ method: String, _ pathAndQuery: String, body: String? = nil,
              contentType: String? = nil) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(pathAndQuery)")!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        return try await send(request)
    }

    func get(_ pathAndQuery: String) async throws -> HTTPResult {
        try await send(URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(pathAndQuery)")!))
    }

    private func send(_ request: URLRequest) async throws -> HTTPResult {
        let (data, response) = try await URLSession.shared.data(for: request)
        return HTTPResult(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }
}
