import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import PalisadeRPC
import Testing

/// The `/metrics` listener over real HTTP on 127.0.0.1, port chosen by the system.
@Suite("RPC: metrics server")
struct MetricsServerTests {
    static func withServer<T: Sendable>(port: Int = 0, render: @escaping @Sendable () async -> [UInt8],
                                        _ body: (MetricsServer, Int) async throws -> T) async throws -> T {
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        let server = MetricsServer(host: "127.0.0.1", port: port, maxOpenConnections: 3, logger: logger, render: render)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let bound = await server.listeningPort()
        let result = try await body(server, bound)
        task.cancel()
        _ = try? await task.value
        return result
    }

    static func get(_ port: Int, _ path: String) async throws -> (status: Int, type: String?, body: String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type"), String(decoding: data, as: UTF8.self))
    }

    @Test func servesWhatRenderReturnsAtEachScrape() async throws {
        let scrapes = Counter()
        try await Self.withServer(render: { Array("cometbft_p2p_peers{chain_id=\"c\"} \(await scrapes.next())\n".utf8) }) { _, port in
            #expect(port > 0)
            let first = try await Self.get(port, "/metrics")
            #expect(first.status == 200)
            #expect(first.type?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(first.body == "cometbft_p2p_peers{chain_id=\"c\"} 1\n")
            #expect(try await Self.get(port, "/metrics").body.hasSuffix(" 2\n"))
            #expect(try await Self.get(port, "/").status == 404)
            #expect(try await Self.get(port, "/status").status == 404)
        }
    }

    @Test func aBindFailureNamesTheAddress() async throws {
        try await Self.withServer(render: { [] }) { _, taken in
            var logger = Logger(label: "metrics-test")
            logger.logLevel = .critical
            let second = MetricsServer(host: "127.0.0.1", port: taken, maxOpenConnections: 0, logger: logger) { [] }
            await #expect {
                try await second.run()
            } throws: { error in
                (error as? RPCListenError)?.address == "tcp://127.0.0.1:\(taken)"
            }
            #expect(await second.listeningPort() == 0)
        }
    }

    actor Counter {
        private var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
}
