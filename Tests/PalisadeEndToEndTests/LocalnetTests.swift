import Foundation
import Glibc
import Testing

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}

/// Four real `palisade` processes on loopback. Serialized: each test runs its own localnet, and
/// two at once would halve the CPU each gets on a two-core CI machine.
@Suite("Localnet: real palisade processes", .serialized)
struct LocalnetTests {
    static let validators = 4

    @Test("four validators commit 20+ heights with transactions; every node reports the same block hash at every height")
    func twentyHeights() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 1 } })
        // Transactions go in through different nodes' RPC while blocks are being committed.
        var accepted = 0
        for index in 0..<40 {
            let result = await net.rpc(index % Self.validators, "broadcast_tx_sync?tx=%22key\(index)=value\(index)%22")
            if (result?["code"] as? Int) == 0 { accepted += 1 }
            if index % 8 == 7 { try await Task.sleep(for: .milliseconds(150)) }
        }
        #expect(accepted == 40)
        let reached = await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 20 } }
        #expect(reached, "heights: \((0..<Self.validators).map(net.height)); node0 log tail: \(net.log(0).suffix(2_000))")
        // Every transaction ends up in a block (the indexer answers tx_search with all 40).
        var indexed = 0
        for _ in 0..<600 where indexed < 40 {
            let search = await net.rpc(0, "tx_search?query=%22tx.height%3E0%22&per_page=100")
            indexed = Int(search?["total_count"] as? String ?? "") ?? 0
            if indexed < 40 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(indexed == 40, "transactions committed and indexed")
        let top = (0..<Self.validators).map(net.height).min() ?? 0
        var committedTxs = 0
        for height in Int64(1)...max(20, top) {
            var hashes: [String?] = []
            for index in 0..<Self.validators { hashes.append(await net.rpcBlockHash(index, height: height)) }
            #expect(hashes[0] != nil && hashes.allSatisfy { $0 == hashes[0] }, "height \(height): \(hashes)")
            let block = await net.rpc(0, "block?height=\(height)")
            committedTxs += ((block?["block"] as? [String: Any])?["data"] as? [String: Any])?["txs"].flatMap { ($0 as? [Any])?.count } ?? 0
        }
        #expect(committedTxs == 40, "each transaction in exactly one block")
        // The app's state answers on every node.
        for index in 0..<Self.validators {
            let query = await net.rpc(index, "abci_query?data=%22key7%22")
            #expect((query?["response"] as? [String: Any])?["value"] as? String == Array("value7".utf8).base64, "node\(index)")
        }
    }

    @Test("kill -9 one validator: the other three keep committing; restarted, it rejoins and commits again")
    func killAndRejoin() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 3 } })
        net.kill9(3)
        let atKill = net.height(0)
        #expect(await net.wait { (0..<3).allSatisfy { net.height($0) >= atKill + 5 } }, "three of four keep committing")
        try net.start(3)
        let atRestart = net.height(0)
        let rejoined = await net.wait { net.height(3) >= atRestart + 3 }
        #expect(rejoined, "node3 at \(net.height(3)), others at \(net.height(0)); its log: \(net.log(3).suffix(3_000))")
        let reference = net.committed(0)
        for (height, hash) in net.committed(3) {
            #expect(reference[height] == nil || reference[height] == hash, "height \(height)")
        }
    }

    /// The signer and WAL under fire in a live network: one validator is killed at random
    /// moments and restarted, 50 times. Nobody may see it equivocate (every node logs any
    /// conflicting votes it receives), it must come back every time, and the chain goes on.
    @Test("kill -9 a validator at random moments 50 times: it always restarts and never equivocates")
    func killLoop() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 2 } })
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &generator)))
            net.kill9(2)
            let starts = net.log(2).components(separatedBy: "node started").count
            try net.start(2)
            // It must come back all the way: store opened, app handshake done, WAL replayed.
            let restarted = await net.wait(seconds: 60) { net.log(2).components(separatedBy: "node started").count > starts }
            #expect(restarted && net.isRunning(2), "restart \(round): \(net.log(2).suffix(1_500))")
        }
        let atEnd = net.height(0)
        let caughtUp = await net.wait { net.height(2) >= atEnd + 2 && net.isRunning(2) }
        #expect(caughtUp, "node2 at \(net.height(2)), node0 at \(net.height(0)); log tail: \(net.log(2).suffix(3_000))")
        for index in 0..<Self.validators {
            #expect(!net.log(index).contains("equivocation"), "node\(index) saw an equivocation")
        }
        let reference = net.committed(0)
        for (height, hash) in net.committed(2) {
            #expect(reference[height] == nil || reference[height] == hash, "height \(height)")
        }
    }
}
