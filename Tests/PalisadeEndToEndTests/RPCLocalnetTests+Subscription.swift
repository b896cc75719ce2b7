import Foundation
import Testing

extension RPCLocalnetTests {
    static let subscribedTxs = 30

    /// A client on one node must hear of transactions that entered through any node: the event
    /// comes from the block that commits them, not from the mempool that first saw them.
    @Test("a WebSocket subscription to tm.event='Tx' on node0 sees every transaction sent by broadcast_tx_sync through all four nodes")
    func txSubscriptionSeesEveryTransaction() async throws {
        let net = try SharedLocalnet.require()
        #expect(await net.wait { net.height(0) >= 2 })
        let txs = (0..<Self.subscribedTxs).map { "ws-sub-\($0)=value-\($0)" }
        let expected = Set(txs.map(Self.txHash))
        let port = net.rpcPort(0)
        let client = try await offPool { try WebSocketClient(port: port) }
        defer { client.close() }
        let subscribed = try await offPool {
            try Self.subscribe(client, .object(["jsonrpc": .string("2.0"), "id": .string("tx-sub"),
                                                "method": .string("subscribe"),
                                                "params": .object(["query": .string("tm.event='Tx'")])]))
        }
        #expect(subscribed["result"] == .object([:]), "subscribe: \(subscribed.text)")

        // The listener runs while the transactions go out, so no event waits on a full buffer.
        async let heard = offPool { () throws -> [String: Int] in
            var counts: [String: Int] = [:]
            while !expected.isSubset(of: Set(counts.keys)), let event = try client.receiveJSON() {
                guard event["result"]?["query"]?.string == "tm.event='Tx'" else {
                    throw LocalnetError("not a Tx event: \(event.text.prefix(500))")
                }
                for hash in event["result"]?["events"]?["tx.hash"]?.items ?? [] {
                    if let hash = hash.string { counts[hash, default: 0] += 1 }
                }
            }
            return counts
        }
        var accepted: [String] = []
        for (index, tx) in txs.enumerated() {
            let node = index % net.validators
            let answer = try await net.call(node, "broadcast_tx_sync", ["tx": .string(Data(tx.utf8).base64EncodedString())], id: index)
            #expect(answer["result"]?["code"]?.number == 0, "\(tx) via node\(node): \(answer.text)")
            if let hash = answer["result"]?["hash"]?.string { accepted.append(hash) }
        }
        #expect(Set(accepted) == expected, "broadcast_tx_sync hashes are SHA-256 of the transactions")
        let counts = try await heard
        let missing = expected.subtracting(counts.keys)
        #expect(missing.isEmpty, "no Tx event for \(missing.count) of \(Self.subscribedTxs): \(missing.sorted())")
        #expect(counts.filter { expected.contains($0.key) }.values.allSatisfy { $0 == 1 }, "one event per transaction: \(counts)")
    }
}
