import Foundation
import PalisadeRPC
import Testing

/// Bad input gets CometBFT's error objects: the code, its fixed message, the detail in `data`.
@Suite("JSON-RPC errors")
struct ErrorTests {
    static func error(_ v: JSONValue) -> (code: String?, message: String?, data: String?) {
        let e = v["error"]
        var message: String?
        var data: String?
        if case .string(let m)? = e?["message"] { message = m }
        if case .string(let d)? = e?["data"] { data = d }
        if case .number(let c)? = e?["code"] { return (c, message, data) }
        return (nil, message, data)
    }

    static func request(_ method: String, _ params: String = "null", id: String = "1") -> [UInt8] {
        Array("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}".utf8)
    }

    @Test("malformed JSON: -32700, HTTP 500, no id")
    func malformed() async throws {
        try await RunningServer.with { server in
            let r = try await server.post(Array("{\"jsonrpc\":\"2.0\",".utf8))
            #expect(r.status == 500)
            let e = Self.error(try r.json())
            #expect(e.code == "-32700")
            #expect(e.message == "Parse error. Invalid JSON")
            #expect(e.data?.hasPrefix("error unmarshaling request: ") == true)
            #expect(try r.json()["id"] == nil)
        }
    }

    @Test("unknown method and WebSocket-only method over HTTP: -32601 without data")
    func unknownMethod() async throws {
        try await RunningServer.with { server in
            for method in ["no_such_method", "subscribe", "dial_peers"] {
                let r = try await server.post(Self.request(method))
                let v = try r.json()
                #expect(Self.error(v).code == "-32601", "\(method)")
                #expect(Self.error(v).message == "Method not found")
                #expect(v["error"]?["data"] == nil)
                #expect(v["id"] == .number("1"))
            }
        }
    }

    @Test("wrong parameter types: -32602 naming the argument")
    func wrongParams() async throws {
        try await RunningServer.with { server in
            for params in ["{\"height\":\"ten\"}", "{\"height\":true}", "\"just a string\"", "[1,2]"] {
                let v = try await server.post(Self.request("block", params)).json()
                let e = Self.error(v)
                #expect(e.code == "-32602", "\(params)")
                #expect(e.message == "Invalid params")
                #expect(e.data?.hasPrefix("error converting json params to arguments: ") == true, "\(params)")
            }
            let tx = try await server.post(Self.request("broadcast_tx_sync", "{\"tx\":\"not base64!\"}")).json()
            #expect(Self.error(tx).code == "-32602")
        }
    }

    @Test("heights out of range: -32603 with CometBFT's messages")
    func heights() async throws {
        try await RunningServer.with { server in
            let cases: [(String, String)] = [
                ("\"0\"", "height must be greater than 0, but got 0"),
                ("\"-5\"", "height must be greater than 0, but got -5"),
                ("\"9223372036854775807\"",
                 "height 9223372036854775807 must be less than or equal to the current blockchain height 232"),
            ]
            for (height, message) in cases {
                let v = try await server.post(Self.request("block", "{\"height\":\(height)}")).json()
                #expect(Self.error(v).code == "-32603")
                #expect(Self.error(v).message == "Internal error")
                #expect(Self.error(v).data == message)
            }
            let huge = try await server.post(Self.request("block", "{\"height\":\"99999999999999999999\"}")).json()
            #expect(Self.error(huge).code == "-32602")
            let blockchain = try await server.post(Self.request("blockchain", "{\"minHeight\":\"-1\"}")).json()
            #expect(Self.error(blockchain).data == "heights must be non-negative")
        }
    }

    @Test("a body over max_body_bytes: -32600 with HTTP 400")
    func bodyTooLarge() async throws {
        try await RunningServer.with(RPCServerConfiguration(host: "127.0.0.1", port: 0, maxBodyBytes: 1000)) { server in
            let padding = String(repeating: "a", count: 2000)
            let r = try await server.post(Self.request("status", "{\"pad\":\"\(padding)\"}"))
            #expect(r.status == 400)
            let e = Self.error(try r.json())
            #expect(e.code == "-32600")
            #expect(e.message == "Invalid Request")
            #expect(e.data == "error reading request body: http: request body too large")
        }
    }

    @Test("batches: answered in order up to 10; 11 requests refused whole with -32600")
    func batches() async throws {
        try await RunningServer.with { server in
            let ten = (1...10).map { String(decoding: Self.request("health", id: "\($0)"), as: UTF8.self) }
            let ok = try await server.post(Array("[\(ten.joined(separator: ","))]".utf8)).json()
            guard case .array(let answers) = ok else {
                Issue.record("expected an array, got \(ok.text)")
                return
            }
            #expect(answers.map { $0["id"] } == (1...10).map { JSONValue.number("\($0)") })
            let eleven = ten + [String(decoding: Self.request("health", id: "11"), as: UTF8.self)]
            let refused = try await server.post(Array("[\(eleven.joined(separator: ","))]".utf8))
            #expect(refused.status == 400)
            let e = Self.error(try refused.json())
            #expect(e.code == "-32600")
            #expect(e.data == "maximum JSON-RPC batch size exceeded, got: 11, max: 10")
        }
    }

    @Test("notifications (no id) get no answer, even inside a batch")
    func notifications() async throws {
        try await RunningServer.with { server in
            let r = try await server.post(Array("{\"jsonrpc\":\"2.0\",\"method\":\"health\"}".utf8))
            #expect(r.status == 200)
            #expect(r.body.isEmpty)
            let batch = "[{\"jsonrpc\":\"2.0\",\"method\":\"health\"},\(String(decoding: Self.request("health", id: "\"x\""), as: UTF8.self))]"
            let v = try await server.post(Array(batch.utf8)).json()
            #expect(v["id"] == .string("x"))
        }
    }
}
