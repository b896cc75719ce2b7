import Foundation
import PalisadeRPC
import Testing

/// URI calls on POST, as CometBFT's mux serves every method on its own path for any HTTP method,
/// with arguments from the query string or a URL-encoded form body (`getParam`: query first).
/// Xian's SDK sends exactly these three requests.
@Suite("URI calls over POST and form bodies")
struct URIPostTests {
    static let form = "application/x-www-form-urlencoded"

    @Test("POST /abci_query?path=\"/store\"&data=... answers as GET does")
    func abciQueryInTheQueryString() async throws {
        try await RunningServer.with { server in
            let r = try await server.send("POST", "/abci_query?path=%22/store%22&data=0x747830")
            #expect(r.status == 200)
            let v = try r.json()
            #expect(v["id"] == .number("-1"))
            #expect(v["result"]?["response"]?["log"] == .string("exists"))
        }
    }

    @Test("a raw request line with unescaped quotes, as a hand-written client sends it")
    func unescapedQuotesOnTheWire() async throws {
        try await RunningServer.with { server in
            let (head, body) = try await RawConnection.run(port: server.port) { connection in
                try connection.send("POST /abci_query?path=\"/store\"&data=\"tx0\" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            let v = try JSONValue(parsing: body)
            #expect(v["result"]?["response"]?["log"] == .string("exists"))
        }
    }

    @Test("POST /genesis with no body")
    func genesis() async throws {
        try await RunningServer.with { server in
            let r = try await server.send("POST", "/genesis")
            #expect(r.status == 200)
            let v = try r.json()
            #expect(v["id"] == .number("-1"))
            #expect(v["result"]?["genesis"]?["chain_id"] == .string("dockerchain"))
        }
    }

    @Test("POST /broadcast_tx_sync with the form body tx=\"...\" gives the recorded CometBFT answer")
    func broadcastTxSyncFormBody() async throws {
        try await RunningServer.with { server in
            let r = try await server.send("POST", "/broadcast_tx_sync", body: "tx=%22sync-key%3Dvalue%22",
                                          contentType: Self.form)
            #expect(r.status == 200)
            let v = try r.json()
            #expect(v["id"] == .number("-1"))
            // The hash CometBFT 0.38 answered for this transaction (fixtures, broadcast_tx_sync).
            #expect(v["result"]?["hash"] == .string("57018296EE0919C9D351F2FFEA82A8D28DE223724D79965FC8D00A7477ED48BC"))
            #expect(v["result"]?["code"] == .number("0"))
            // Unescaped quotes and 0x hex, as clients also write them, in a form with a charset.
            let quoted = try await server.send("POST", "/broadcast_tx_sync", body: "tx=\"sync-key=value\"",
                                               contentType: Self.form + "; charset=UTF-8").json()
            #expect(quoted["result"]?["hash"] == v["result"]?["hash"])
            let hex = try await server.send("POST", "/broadcast_tx_sync", body: "tx=0x73796e632d6b65793d76616c7565",
                                            contentType: Self.form).json()
            #expect(hex["result"]?["hash"] == v["result"]?["hash"])
        }
    }

    @Test("the query string wins over the form; an empty query value lets the form through")
    func queryBeforeForm() async throws {
        try await RunningServer.with { server in
            let both = try await server.send("POST", "/abci_query?data=%22tx0%22", body: "data=%22other%22",
                                             contentType: Self.form).json()
            #expect(both["result"]?["response"]?["log"] == .string("exists"))
            let emptyQuery = try await server.send("POST", "/abci_query?data=", body: "data=%22tx0%22",
                                                   contentType: Self.form).json()
            #expect(emptyQuery["result"]?["response"]?["log"] == .string("exists"))
        }
    }

    @Test("a body that is not a form, or on GET, gives no arguments")
    func onlyFormBodiesOnPostCount() async throws {
        try await RunningServer.with { server in
            let plain = try await server.send("POST", "/abci_query", body: "data=%22tx0%22", contentType: "text/plain").json()
            #expect(plain["result"]?["response"]?["log"] == .string("does not exist"))
            let (head, body) = try await RawConnection.run(port: server.port) { connection in
                let form = "data=%22tx0%22"
                try connection.send("GET /abci_query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(Self.form)\r\n"
                    + "Content-Length: \(form.utf8.count)\r\n\r\n\(form)")
                return try connection.readResponse()
            }
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            #expect(try JSONValue(parsing: body)["result"]?["response"]?["log"] == .string("does not exist"))
        }
    }

    @Test("bad form arguments are -32602 with HTTP 500, an unknown path 404, JSON-RPC at / unchanged")
    func errorsAndJSONRPC() async throws {
        try await RunningServer.with { server in
            let bad = try await server.send("POST", "/block", body: "height=abc", contentType: Self.form)
            #expect(bad.status == 500)
            #expect(ErrorTests.error(try bad.json()).code == "-32602")
            #expect(try await server.send("POST", "/nope").status == 404)
            let rpc = try await server.post(Array(#"{"jsonrpc":"2.0","id":7,"method":"health"}"#.utf8))
            #expect(try rpc.json()["id"] == .number("7"))
        }
    }
}
