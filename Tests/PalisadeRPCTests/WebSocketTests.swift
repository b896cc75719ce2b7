import Foundation
import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeRPC
import PalisadeTypes
import Testing

/// The recorded subscription traffic replayed over `/websocket`, and the subscription limits.
@Suite("WebSocket subscriptions")
struct WebSocketTests {
    static func txEvent(_ n: Int) -> RPCEvent {
        RPCEvent(.tx(IndexedTx(height: 243, index: 0, tx: Bytes("tx\(n)=value".utf8),
                               result: TxResult(events: FakeBackend.kvEvents(key: "tx\(n)")))))
    }

    @Test("subscribe to Tx: the recorded answer, then each event shaped like the recorded ones")
    func txEvents() async throws {
        try await RunningServer.with { server in
            let client = try await WebSocketTestClient.open(port: server.port)
            let request = try Fixtures.json("outgoing/subscribe_txs.json")
            try client.send(request.text)
            let ack = try await client.receiveJSON()
            #expect(JSONShape.differences(ours: ack, recorded: try Fixtures.json("incoming/subscribe_txs.json")).isEmpty)
            #expect(ack["id"] == request["id"])
            server.backend.eventSink.yield(RPCEvent(.newBlockHeader(server.backend.block10.block.header)))
            server.backend.eventSink.yield(Self.txEvent(0))
            let event = try await client.receiveJSON()
            let recorded = try Fixtures.json("incoming/subscribe_txs_0.json")
            let diffs = JSONShape.differences(ours: event, recorded: recorded)
            #expect(diffs.isEmpty, "\(diffs) — \(event.text)")
            #expect(event["id"] == request["id"])
            #expect(event["result"]?["events"].map(ConformanceTests.reordered)
                == recorded["result"]?["events"].map(ConformanceTests.reordered))
            #expect(event["result"]?["data"]?["value"]?["TxResult"]?["tx"] == .string("dHgwPXZhbHVl"))
        }
    }

    @Test("subscribe to NewBlock: the event has the recorded shape")
    func newBlock() async throws {
        try await RunningServer.with { server in
            let client = try await WebSocketTestClient.open(port: server.port)
            try client.send(try Fixtures.json("outgoing/subscribe_newblock.json").text)
            _ = try await client.receiveJSON()
            let result = FinalizeBlockResponse(txResults: [], appHash: [6, 0, 0, 0, 0, 0, 0, 0])
            server.backend.eventSink.yield(RPCEvent(.newBlock(server.backend.block10, result)))
            let event = try await client.receiveJSON()
            let diffs = JSONShape.differences(ours: event, recorded: try Fixtures.json("incoming/subscribe_newblock_0.json"))
            #expect(diffs.isEmpty, "\(diffs)")
        }
    }

    /// The HTTP idle timeout ends kept-alive connections that went quiet; a WebSocket (a 101
    /// response) is not one of them: a subscriber may wait for events far longer.
    @Test("a WebSocket quiet for longer than the HTTP idle timeout still gets its events")
    func webSocketOutlivesTheIdleTimeout() async throws {
        var configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.idleTimeout = 0.2
        try await RunningServer.with(configuration) { server in
            let client = try await WebSocketTestClient.open(port: server.port)
            try client.send(try Fixtures.json("outgoing/subscribe_newblock.json").text)
            _ = try await client.receiveJSON()
            try await Task.sleep(for: .milliseconds(800))
            let result = FinalizeBlockResponse(txResults: [], appHash: [6, 0, 0, 0, 0, 0, 0, 0])
            server.backend.eventSink.yield(RPCEvent(.newBlock(server.backend.block10, result)))
            let event = try await client.receiveJSON()
            #expect(event["result"] != nil, "\(event.text)")
        }
    }

    @Test("a malformed query is refused with CometBFT's error and position")
    func malformedQuery() async throws {
        try await RunningServer.with { server in
            let client = try await WebSocketTestClient.open(port: server.port)
            try client.send(try Fixtures.json("outgoing/subscribe_malformed.json").text)
            let answer = try await client.receiveJSON()
            let recorded = try Fixtures.json("incoming/subscribe_malformed.json")
            #expect(JSONShape.differences(ours: answer, recorded: recorded).isEmpty)
            // The position and the token are CometBFT's; the list of wanted operators is worded
            // by PalisadeIndexer's parser (CometBFT repeats "operator" after each).
            guard case .string(let data)? = answer["error"]?["data"] else {
                Issue.record("no error data in \(answer.text)")
                return
            }
            #expect(data.hasPrefix("failed to parse query: offset 10: got tag, wanted <="))
            #expect(answer["error"]?["code"] == .number("-32603"))
        }
    }

    @Test("limits and unsubscribing: per-client maximum, duplicates, unknown subscriptions")
    func limits() async throws {
        let configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0, maxSubscriptionsPerClient: 2)
        try await RunningServer.with(configuration) { server in
            let client = try await WebSocketTestClient.open(port: server.port)
            func call(_ method: String, _ query: String?, id: Int) async throws -> JSONValue {
                let params = query.map { "{\"query\":\"\($0)\"}" } ?? "{}"
                try client.send("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}")
                return try await client.receiveJSON()
            }
            #expect(try await call("subscribe", "tm.event = 'Tx'", id: 1)["result"] == .object([]))
            #expect(try await call("subscribe", "tm.event = 'Tx'", id: 2)["error"]?["data"] == .string("already subscribed"))
            #expect(try await call("subscribe", "tm.event = 'NewBlock'", id: 3)["result"] == .object([]))
            #expect(try await call("subscribe", "tm.event = 'Vote'", id: 4)["error"]?["data"]
                == .string("max_subscriptions_per_client 2 reached"))
            #expect(try await call("unsubscribe", "tm.event = 'Vote'", id: 5)["error"]?["data"]
                == .string("subscription not found"))
            #expect(try await call("unsubscribe", "tm.event = 'Tx'", id: 6)["result"] == .object([]))
            #expect(try await call("unsubscribe_all", nil, id: 7)["result"] == .object([]))
            #expect(try await call("unsubscribe_all", nil, id: 8)["error"]?["data"] == .string("subscription not found"))
            #expect(try await call("status", nil, id: 9)["result"]?["node_info"]?["network"] == .string("dockerchain"))
        }
    }

    @Test("a client that lets its queue fill is marked slow and loses its subscriptions")
    func slowClientInHub() async throws {
        let hub = SubscriptionHub(configuration: RPCServerConfiguration(subscriptionBufferSize: 2))
        let (session, queue) = await hub.open()
        try await hub.subscribe(session.id, query: "tm.event = 'Tx'", requestID: .number("1"))
        for n in 0..<3 { await hub.publish(Self.txEvent(n)) }
        #expect(await hub.wasOverflowed(session.id))
        var delivered = 0
        for await _ in queue { delivered += 1 }
        #expect(delivered == 2)
        await #expect(throws: RPCError.internalError("subscription not found")) {
            try await hub.unsubscribeAll(session.id)
        }
    }

    @Test("a slow client on a real socket gets the reason and a close frame")
    func slowClientOverSocket() async throws {
        let configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0, subscriptionBufferSize: 4)
        try await RunningServer.with(configuration) { server in
            let client = try await WebSocketTestClient.open(port: server.port, receiveBuffer: 4096)
            try client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\",\"params\":{\"query\":\"tm.event = 'NewBlock'\"}}")
            _ = try await client.receiveJSON()
            var big = server.backend.block10
            big.block.data.txs = [Bytes(repeating: 7, count: 256 * 1024)]
            // The client reads nothing until the server has given up on it: socket buffers fill,
            // the writer stalls, the bounded queue overflows.
            var overflowed = false
            for _ in 0..<200 where !overflowed {
                server.backend.eventSink.yield(RPCEvent(.newBlock(big, FinalizeBlockResponse(txResults: [], appHash: []))))
                await Task.yield()
                overflowed = await server.server.hub.wasOverflowed(1)
            }
            for _ in 0..<600 where !overflowed {
                try await Task.sleep(for: .milliseconds(50))
                overflowed = await server.server.hub.wasOverflowed(1)
            }
            #expect(overflowed)
            var sawReason = false
            var closeCode: UInt16?
            while closeCode == nil {
                switch try await client.receive() {
                case .text(let t): if t.contains("client is not pulling messages fast enough") { sawReason = true }
                case .close(let code, _): closeCode = code
                case .other: continue
                }
            }
            #expect(sawReason)
            #expect(closeCode == 1008)
        }
    }
}
