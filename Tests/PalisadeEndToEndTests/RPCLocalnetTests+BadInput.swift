import Foundation
import Testing

/// Bad input against a running node: each request gets CometBFT's error object, and the node
/// keeps answering and committing after it.
extension RPCLocalnetTests {
    struct ErrorCase: Sendable {
        var label: String
        var body: String
        var status: Int
        var code: Int
        var message: String
        /// The whole of `data`, or its beginning when `prefix`.
        var data: String?
        var prefix = false
    }

    static func request(_ method: String, _ params: String, id: String = "7") -> String {
        "{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}"
    }

    static func errorCases() -> [ErrorCase] {
        let converting = "error converting json params to arguments: "
        let eleven = (1...11).map { request("health", "{}", id: "\($0)") }.joined(separator: ",")
        return [
            ErrorCase(label: "malformed JSON", body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", status: 500,
                      code: -32700, message: "Parse error. Invalid JSON", data: "error unmarshaling request: ", prefix: true),
            ErrorCase(label: "not JSON at all", body: "\u{01}\u{02} hello", status: 500,
                      code: -32700, message: "Parse error. Invalid JSON", data: "error unmarshaling request: ", prefix: true),
            ErrorCase(label: "unknown method", body: request("no_such_method", "{}"), status: 200,
                      code: -32601, message: "Method not found"),
            ErrorCase(label: "subscribe over HTTP", body: request("subscribe", "{\"query\":\"tm.event='Tx'\"}"), status: 200,
                      code: -32601, message: "Method not found"),
            ErrorCase(label: "height as a word", body: request("block", "{\"height\":\"ten\"}"), status: 200,
                      code: -32602, message: "Invalid params", data: converting, prefix: true),
            ErrorCase(label: "height as a bool", body: request("block", "{\"height\":true}"), status: 200,
                      code: -32602, message: "Invalid params", data: converting, prefix: true),
            ErrorCase(label: "params as a string", body: request("block", "\"just a string\""), status: 200,
                      code: -32602, message: "Invalid params", data: converting, prefix: true),
            ErrorCase(label: "tx not base64", body: request("broadcast_tx_sync", "{\"tx\":\"not base64!\"}"), status: 200,
                      code: -32602, message: "Invalid params", data: converting, prefix: true),
            ErrorCase(label: "negative height", body: request("block", "{\"height\":\"-1\"}"), status: 200,
                      code: -32603, message: "Internal error", data: "height must be greater than 0, but got -1"),
            ErrorCase(label: "zero height", body: request("commit", "{\"height\":\"0\"}"), status: 200,
                      code: -32603, message: "Internal error", data: "height must be greater than 0, but got 0"),
            // The current height moves on; the message's text up to it is fixed.
            ErrorCase(label: "height beyond the chain", body: request("block", "{\"height\":\"9223372036854775807\"}"), status: 200,
                      code: -32603, message: "Internal error",
                      data: "height 9223372036854775807 must be less than or equal to the current blockchain height ", prefix: true),
            ErrorCase(label: "height beyond int64", body: request("block", "{\"height\":\"99999999999999999999\"}"), status: 200,
                      code: -32602, message: "Invalid params", data: converting, prefix: true),
            ErrorCase(label: "negative blockchain range", body: request("blockchain", "{\"minHeight\":\"-1\",\"maxHeight\":\"3\"}"),
                      status: 200, code: -32603, message: "Internal error", data: "heights must be non-negative"),
            ErrorCase(label: "batch of 11", body: "[\(eleven)]", status: 400, code: -32600, message: "Invalid Request",
                      data: "maximum JSON-RPC batch size exceeded, got: 11, max: 10"),
        ]
    }

    @Test("malformed JSON, unknown method, wrong parameter types, bad heights, a batch over the limit: CometBFT's errors; the node keeps committing")
    func badRequests() async throws {
        let net = try SharedLocalnet.require()
        #expect(await net.wait { net.height(0) >= 2 })
        let committed = try #require(await net.statusHeight(0))
        for item in Self.errorCases() {
            let answer = try await net.post(0, item.body)
            #expect(answer.status == item.status, "\(item.label): HTTP \(answer.status) \(answer.text)")
            let error = answer.json?["error"]
            #expect(error?["code"]?.number == Double(item.code), "\(item.label): \(answer.text)")
            #expect(error?["message"]?.string == item.message, "\(item.label): \(answer.text)")
            if let data = item.data {
                let ours = error?["data"]?.string ?? ""
                #expect(item.prefix ? ours.hasPrefix(data) : ours == data, "\(item.label): data \(ours)")
            } else {
                #expect(error?["data"] == nil, "\(item.label): no data expected, got \(answer.text)")
            }
        }
        // The height named in "beyond the chain" is the node's own, at least what it had committed.
        let beyond = try await net.post(0, Self.request("header", "{\"height\":\"9223372036854775807\"}"))
        let current = beyond.json?["error"]?["data"]?.string?.split(separator: " ").last.flatMap { Int64($0) }
        #expect((current ?? 0) >= committed, "\(beyond.text) after /status said \(committed)")
        // The same heights as URI GETs: HTTP 500 with the error, id -1.
        for (query, data) in [("block?height=-5", "height must be greater than 0, but got -5"),
                              ("block_results?height=0", "height must be greater than 0, but got 0")] {
            let answer = try await net.get(0, query)
            #expect(answer.status == 500, "\(query): \(answer.status)")
            #expect(answer.json?["error"]?["data"]?.string == data, "\(query): \(answer.text)")
            #expect(answer.json?["id"]?.number == -1, "\(query): \(answer.text)")
        }
        // A batch at the limit is still served, in order.
        let ten = (1...10).map { Self.request("health", "{}", id: "\($0)") }.joined(separator: ",")
        let batch = try await net.post(0, "[\(ten)]")
        #expect(batch.json?.items?.compactMap { $0["id"]?.number } == (1...10).map(Double.init), "\(batch.text)")
        #expect(await net.keepsCommitting(0), "node0 stopped answering or committing: \(net.log(0).suffix(1_500))")
    }
}
