import Foundation
import PalisadeRPC
import Testing

/// Every request recorded from a CometBFT 0.38 node, sent to Palisade's server over HTTP: the
/// answer must have the recorded answer's shape (keys, nesting, JSON kinds: int64 as strings...).
@Suite("CometBFT 0.38 JSON-RPC conformance")
struct ConformanceTests {
    /// Subscriptions are WebSocket-only (CometBFT answers them over HTTP with "Method not found");
    /// `WebSocketTests` replays those.
    static func isWebSocketOnly(_ request: JSONValue) -> Bool {
        if case .string(let m)? = request["method"] { return m == "subscribe" || m == "unsubscribe" }
        return false
    }

    @Test("every recorded HTTP request gets an answer shaped like CometBFT's")
    func everyRecordedRequest() async throws {
        let names = try Fixtures.outgoing()
        #expect(names.count == 30)
        try await RunningServer.with { server in
            var checked = 0
            for name in names {
                let request = try Fixtures.json("outgoing/" + name)
                if Self.isWebSocketOnly(request) { continue }
                let recorded = try Fixtures.json("incoming/" + name)
                let answer = try await server.post(request.utf8)
                let ours = try answer.json()
                let diffs = JSONShape.differences(ours: ours, recorded: recorded)
                #expect(diffs.isEmpty, "\(name): \(diffs.joined(separator: "; ")) — sent \(ours.text)")
                #expect(ours["id"] == request["id"], "\(name): id echoed")
                checked += 1
            }
            #expect(checked == 27)
        }
    }

    @Test("block 10 comes back with the recorded values, not just the shapes")
    func block10Values() async throws {
        try await RunningServer.with { server in
            let answer = try await server.post(try Fixtures.json("outgoing/block_at_height_10.json").utf8)
            let ours = try answer.json()["result"]
            let recorded = try Fixtures.result("block_at_height_10.json")
            #expect(ours?["block"].map(Self.reordered) == recorded["block"].map(Self.reordered))
            #expect(ours?["block_id"].map(Self.reordered) == recorded["block_id"].map(Self.reordered))
        }
    }

    /// Recordings list keys alphabetically; ours follow Go's struct order. Compare as values by
    /// sorting both the same way.
    static func reordered(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let m): .object(m.map { JSONMember($0.key, reordered($0.value)) }.sorted { $0.key < $1.key })
        case .array(let a): .array(a.map(reordered))
        default: v
        }
    }
}
