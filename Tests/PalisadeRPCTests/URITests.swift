import Foundation
import PalisadeRPC
import Testing

/// `GET /method?arg=value` as CometBFT parses it: bare integers, "quoted" strings, 0x hex bytes.
@Suite("URI requests")
struct URITests {
    @Test("block?height=10 answers with id -1 and the block")
    func blockByHeight() async throws {
        try await RunningServer.with { server in
            let r = try await server.get("/block?height=10")
            #expect(r.status == 200)
            let v = try r.json()
            #expect(v["id"] == .number("-1"))
            #expect(v["result"]?["block"]?["header"]?["height"] == .string("10"))
        }
    }

    @Test("quoted string and 0x hex arguments")
    func quotedAndHex() async throws {
        try await RunningServer.with { server in
            let q = try await server.get("/abci_query?path=%22/store%22&data=0x747830").json()
            #expect(q["result"]?["response"]?["log"] == .string("exists"))
            let quoted = try await server.get("/abci_query?data=%22tx0%22").json()
            #expect(quoted["result"]?["response"]?["log"] == .string("exists"))
            let hash = FakeBackend.indexedTx.hash.upperHex
            let tx = try await server.get("/tx?hash=0x\(hash)&prove=true").json()
            #expect(tx["result"]?["hash"] == .string(hash))
            #expect(tx["result"]?["proof"]?["root_hash"] != nil)
            let search = try await server.get("/tx_search?query=%22tx.height%3E1%22&per_page=5").json()
            #expect(search["result"]?["total_count"] == .string("1"))
        }
    }

    @Test("bad URI arguments: -32602 with HTTP 500; unknown path 404; subscribe 404 with -32601")
    func badArguments() async throws {
        try await RunningServer.with { server in
            let r = try await server.get("/block?height=abc")
            #expect(r.status == 500)
            #expect(ErrorTests.error(try r.json()).code == "-32602")
            let unquoted = try await server.get("/tx_search?query=tx.height")
            #expect(ErrorTests.error(try unquoted.json()).code == "-32602")
            #expect(try await server.get("/nope").status == 404)
            let sub = try await server.get("/subscribe?query=%22tm.event%3D'Tx'%22")
            #expect(sub.status == 404)
            #expect(ErrorTests.error(try sub.json()).code == "-32601")
        }
    }
}
