import Foundation
import PalisadeCrypto
import Testing

/// CometBFT 0.38's JSON-RPC served by a running localnet: the recorded requests answered in the
/// recorded shapes, WebSocket subscriptions that miss nothing, and bad input that gets the right
/// error while the chain goes on. One localnet for the whole suite (`.sharedLocalnet`), tests one
/// after another: each leaves the network running for the next.
@Suite("Localnet: JSON-RPC", .serialized, .sharedLocalnet)
struct RPCLocalnetTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cometbft-0.38-rpc")

    /// A recorded request and CometBFT's recorded answer to it.
    static func recording(_ name: String) throws -> (request: JSONTree, response: JSONTree) {
        (try JSONTree(file: fixtures.appendingPathComponent("outgoing/" + name)),
         try JSONTree(file: fixtures.appendingPathComponent("incoming/" + name)))
    }

    static func recordedResponse(_ name: String) throws -> JSONTree {
        try JSONTree(file: fixtures.appendingPathComponent("incoming/" + name))
    }

    static func recordedNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("outgoing").path)
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    /// CometBFT's transaction hash: SHA-256 of the bytes, upper-case hex.
    static func txHash(_ tx: String) -> String { SHA256Hash.digest(Array(tx.utf8)).upperHex }

    /// A committed height ≥ 2 whose block has no transactions, preferring `preferred`. The
    /// recordings at height 10 come from a block without transactions (`"txs": []`, and
    /// `block_results` all null); a block of ours with transactions would differ for a right
    /// reason, so those requests are pointed at an empty block instead.
    static func emptyHeight(_ net: Localnet, preferred: Int64 = 10) async throws -> Int64 {
        let top = min(try #require(await net.statusHeight(0)), 200)
        var empty: [Int64] = []
        var low: Int64 = 2
        while low <= top {
            let high = min(low + 19, top)
            let answer = try await net.call(0, "blockchain", ["minHeight": .string(String(low)), "maxHeight": .string(String(high))])
            empty += (answer["result"]?["block_metas"]?.items ?? [])
                .filter { $0["num_txs"]?.string == "0" }.compactMap { $0["header"]?["height"]?.int64 }
            if empty.contains(preferred) { return preferred }
            low = high + 1
        }
        if let first = empty.min() { return first }
        throw LocalnetError("no committed block without transactions up to height \(top)")
    }

    /// Sends a recorded request over WebSocket and reads the answer.
    static func subscribe(_ client: WebSocketClient, _ request: JSONTree) throws -> JSONTree {
        try client.sendText(request.text)
        guard let answer = try client.receiveJSON() else { throw LocalnetError("WebSocket closed after \(request.text)") }
        return answer
    }

    static func shapeDiffs(_ ours: JSONTree, _ recorded: JSONTree) -> String {
        JSONShape.differences(ours: ours, recorded: recorded).joined(separator: "; ")
    }
}
