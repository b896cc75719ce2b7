import Foundation
import PalisadeCrypto
import Testing

/// Every request recorded from a CometBFT 0.38 node, replayed against node0 of the running
/// localnet: the answer must have the recorded answer's shape (same keys, same JSON kinds,
/// recursively). `PalisadeRPCTests` does the same against a fake backend; this is the real node.
extension RPCLocalnetTests {
    /// Requests about things that exist only on the recorded chain, pointed at ours.
    static func rewritten(_ name: String, _ request: JSONTree, emptyHeight: Int64, emptyBlockHash: String) -> JSONTree {
        switch name {
        // Height 10 on the recorded chain was an empty block; ours may have transactions.
        case "block_at_height_10.json", "block_results_at_height_10.json", "commit_at_height_10.json",
             "consensus_params.json":
            return request.setting(["params", "height"], to: .string(String(emptyHeight)))
        // The recorded hash names a block of the recorded chain; ask for one of ours.
        case "block_by_hash.json":
            return request.setting(["params", "hash"], to: .string(emptyBlockHash))
        default:
            return request
        }
    }

    /// Differences that are right for a four-validator localnet and wrong nowhere else. The
    /// recording is of a single node with no peers (`"peers": []`); ours has three, whose
    /// shape is checked here against CometBFT's `Peer` (node_info, is_outbound,
    /// connection_status, remote_ip), and then the rest of the answer as usual.
    static func netInfoPeersChecked(_ ours: JSONTree) -> (JSONTree, [String]) {
        var problems: [String] = []
        let peers = ours["result"]?["peers"]?.items ?? []
        if peers.count != 3 { problems.append("net_info: \(peers.count) peers, expected 3") }
        if ours["result"]?["n_peers"]?.string != "3" { problems.append("net_info: n_peers \(String(describing: ours["result"]?["n_peers"]))") }
        for peer in peers {
            for key in ["node_info", "is_outbound", "connection_status", "remote_ip"] where peer[key] == nil {
                problems.append("net_info: a peer without \(key)")
            }
            if peer["node_info"]?["id"]?.string == nil { problems.append("net_info: a peer without node_info.id") }
        }
        return (ours.setting(["result", "peers"], to: .array([])), problems)
    }

    /// Base64 text that decodes to `count` bytes (any count when nil).
    static func isBase64(_ value: JSONTree, count: Int? = nil) -> Bool {
        guard let text = value.string, let data = Data(base64Encoded: text) else { return false }
        return count.map { data.count == $0 } ?? true
    }

    /// Differences in content the recording happens not to have, each checked for what it must
    /// be and then cleared so the shape comparison covers everything else:
    /// - `block_search`: the recorded blocks were empty (`"txs": []`); some of ours carry the
    ///   transactions sent earlier, which must be base64 strings.
    /// - `tx_search` with `prove`: the recorded blocks had one transaction, so merkle proofs
    ///   without `aunts`; ours have several, each a 32-byte hash in base64.
    /// - `block_results`: the recording has `"app_hash": null`; ours is the app hash the block
    ///   produced, which the next header carries, in base64 (CometBFT's `[]byte` encoding).
    static func contentChecked(_ name: String, _ ours: JSONTree, net: Localnet, height: Int64) async throws -> (JSONTree, [String]) {
        var problems: [String] = []
        switch name {
        case "block_search.json":
            for tx in ours.values(at: ["result", "blocks", "*", "block", "data", "txs", "*"]) where !isBase64(tx) {
                problems.append("block_search: tx \(tx.text) is not base64")
            }
            return (ours.transforming(["result", "blocks", "*", "block", "data", "txs"]) { _ in .array([]) }, problems)
        case "tx_search_with_prove.json":
            for aunt in ours.values(at: ["result", "txs", "*", "proof", "proof", "aunts", "*"]) where !isBase64(aunt, count: 32) {
                problems.append("tx_search: aunt \(aunt.text) is not a base64 SHA-256")
            }
            return (ours.transforming(["result", "txs", "*", "proof", "proof", "aunts"]) { _ in .array([]) }, problems)
        case "block_results_at_height_10.json":
            let appHash = ours["result"]?["app_hash"]?.string.flatMap { Data(base64Encoded: $0) }
            let next = try await net.call(0, "header", ["height": .string(String(height + 1))])
            let headerHash = next["result"]?["header"]?["app_hash"]?.string
            if appHash.map({ Array($0).upperHex }) != headerHash || headerHash == nil {
                problems.append("block_results: app_hash \(String(describing: ours["result"]?["app_hash"])), header \(height + 1) has \(String(describing: headerHash))")
            }
            return (ours.setting(["result", "app_hash"], to: .null), problems)
        default:
            return (ours, problems)
        }
    }

    /// A commit signature from a validator whose precommit missed the commit (`block_id_flag`
    /// 1, BlockIDFlagAbsent) is written by CometBFT with `"signature": null`, an empty address
    /// and Go's zero time; the recordings happen to hold none. Ours under load may: each is
    /// checked for exactly that form, then given a string signature for the shape comparison.
    static func absentSignaturesChecked(_ tree: JSONTree, problems: inout [String]) -> JSONTree {
        switch tree {
        case .array(let items):
            return .array(items.map { absentSignaturesChecked($0, problems: &problems) })
        case .object(var members):
            if members["block_id_flag"]?.number == 1 {
                if members["signature"] != .null || members["validator_address"]?.string != ""
                    || members["timestamp"]?.string != "0001-01-01T00:00:00Z" {
                    problems.append("absent commit signature not in CometBFT's form: \(tree.text)")
                }
                members["signature"] = .string("")
                return .object(members)
            }
            for (key, value) in members { members[key] = absentSignaturesChecked(value, problems: &problems) }
            return .object(members)
        default:
            return tree
        }
    }

    /// A Tx event's `TxResult.index` is `omitempty` in CometBFT: the recorded transaction was
    /// first in its block, so the key is absent there; ours, later in theirs, carry it (> 0).
    static func txEventIndexChecked(_ event: JSONTree) -> (JSONTree, [String]) {
        guard let index = event["result"]?["data"]?["value"]?["TxResult"]?["index"] else { return (event, []) }
        let problems = (index.number ?? 0) > 0 ? [] : ["Tx event: index \(index.text) present but not positive"]
        let cleared = event.transforming(["result", "data", "value", "TxResult"]) { result in
            guard case .object(var members) = result else { return result }
            members["index"] = nil
            return .object(members)
        }
        return (cleared, problems)
    }

    @Test("every recorded request, sent to node0, is answered in the recorded response's shape")
    func recordedRequests() async throws {
        let net = try SharedLocalnet.require()
        // Heights 1 and 10 (named by the recordings) are committed.
        #expect(await net.wait { net.height(0) >= 11 }, "node0 at \(net.height(0))")
        let names = try Self.recordedNames()
        #expect(names.count == 30)
        let port = net.rpcPort(0)

        // The recorded subscriptions, over WebSocket (CometBFT refuses them over HTTP).
        let newBlock = try await offPool { () throws -> (JSONTree, JSONTree, JSONTree) in
            let client = try WebSocketClient(port: port)
            defer { client.close() }
            let malformed = try Self.subscribe(client, try Self.recording("subscribe_malformed.json").request)
            let subscribed = try Self.subscribe(client, try Self.recording("subscribe_newblock.json").request)
            // The recorded NewBlock carried no transactions; this suite sends none meanwhile.
            for _ in 0..<50 {
                guard let event = try client.receiveJSON() else { break }
                let txs = event["result"]?["data"]?["value"]?["block"]?["data"]?["txs"]?.items
                if txs?.isEmpty == true { return (malformed, subscribed, event) }
            }
            throw LocalnetError("no NewBlock event without transactions in 50")
        }
        let malformed = try Self.recordedResponse("subscribe_malformed.json")
        #expect(Self.shapeDiffs(newBlock.0, malformed).isEmpty, "subscribe_malformed: \(Self.shapeDiffs(newBlock.0, malformed))")
        #expect(newBlock.0["error"]?["code"] == malformed["error"]?["code"])
        #expect(newBlock.0["error"]?["data"] == malformed["error"]?["data"], "\(newBlock.0.text)")
        // incoming/subscribe_newblock.json is an empty object (the recorder kept no answer); a
        // subscription's answer is the same for every query, so subscribe_txs' recorded one is used.
        #expect(try Self.recordedResponse("subscribe_newblock.json") == .object([:]))
        let subscribedNewBlock = try Self.recordedResponse("subscribe_txs.json")
        #expect(Self.shapeDiffs(newBlock.1, subscribedNewBlock).isEmpty, "subscribe_newblock: \(newBlock.1.text)")
        let newBlockEvent = try Self.recordedResponse("subscribe_newblock_0.json")
        var absent: [String] = []
        let ourNewBlock = Self.absentSignaturesChecked(newBlock.2, problems: &absent)
        #expect(absent.isEmpty, "\(absent)")
        #expect(Self.shapeDiffs(ourNewBlock, newBlockEvent).isEmpty, "NewBlock event: \(Self.shapeDiffs(ourNewBlock, newBlockEvent))")

        // A Tx subscription stays open while the recorded broadcasts go out, as when recorded.
        let txClient = try await offPool { try WebSocketClient(port: port) }
        defer { txClient.close() }
        let txSubscribed = try await offPool { try Self.subscribe(txClient, try Self.recording("subscribe_txs.json").request) }
        #expect(Self.shapeDiffs(txSubscribed, try Self.recordedResponse("subscribe_txs.json")).isEmpty, "\(txSubscribed.text)")

        // Writes first (nine transactions, among them tx0=value, which abci_query looks up), so
        // the reads after them find committed, indexed transactions.
        var checked = 0
        var sentHashes: Set<String> = []
        for name in names {
            let (request, recorded) = try Self.recording(name)
            guard request["method"]?.string?.hasPrefix("broadcast_tx") == true else { continue }
            let ours = try #require(await net.post(0, request.text).json, "\(name)")
            #expect(Self.shapeDiffs(ours, recorded).isEmpty, "\(name): \(Self.shapeDiffs(ours, recorded)) — \(ours.text)")
            #expect(ours["id"] == request["id"], "\(name): id echoed")
            if let hash = ours["result"]?["hash"]?.string { sentHashes.insert(hash) }
            checked += 1
        }
        #expect(sentHashes.count == 9)

        // Every one of them is seen by the Tx subscription, in the recorded event's shape.
        let txEvent = try Self.recordedResponse("subscribe_txs_0.json")
        let wanted = sentHashes
        let events = try await offPool { () throws -> [JSONTree] in
            var events: [JSONTree] = []
            var seen: Set<String> = []
            while !wanted.isSubset(of: seen), let event = try txClient.receiveJSON() {
                events.append(event)
                for hash in event["result"]?["events"]?["tx.hash"]?.items ?? [] { if let h = hash.string { seen.insert(h) } }
            }
            return events
        }
        let seen = Set(events.flatMap { $0["result"]?["events"]?["tx.hash"]?.items ?? [] }.compactMap(\.string))
        #expect(sentHashes.isSubset(of: seen), "Tx events for \(sentHashes.subtracting(seen).sorted()) missing")
        for event in events {
            let (comparable, problems) = Self.txEventIndexChecked(event)
            #expect(problems.isEmpty, "\(problems)")
            #expect(Self.shapeDiffs(comparable, txEvent).isEmpty, "Tx event: \(Self.shapeDiffs(comparable, txEvent))")
        }

        // Committed and indexed before the reads look for them.
        for hash in sentHashes {
            var indexed = false
            for _ in 0..<300 where !indexed {
                indexed = (try? await net.get(0, "tx?hash=0x\(hash)"))?.json?["result"] != nil
                if !indexed { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(indexed, "tx \(hash) never committed and indexed")
        }

        // Reads, with heights and hashes of ours where the recording named the recorded chain's.
        let emptyHeight = try await Self.emptyHeight(net)
        let emptyBlock = try await net.call(0, "block", ["height": .string(String(emptyHeight))])
        let hashHex = try #require(emptyBlock["result"]?["block_id"]?["hash"]?.string)
        let hashBase64 = Data(try #require(Self.bytes(hex: hashHex))).base64EncodedString()
        for name in names where !name.hasPrefix("subscribe_") {
            let (recordedRequest, recorded) = try Self.recording(name)
            guard recordedRequest["method"]?.string?.hasPrefix("broadcast_tx") == false else { continue }
            let request = Self.rewritten(name, recordedRequest, emptyHeight: emptyHeight, emptyBlockHash: hashBase64)
            var ours = try #require(await net.post(0, request.text).json, "\(name)")
            if name == "net_info.json" {
                let (rest, problems) = Self.netInfoPeersChecked(ours)
                #expect(problems.isEmpty, "\(problems) — \(ours.text)")
                ours = rest
            }
            if name == "block_by_hash.json" {
                #expect(ours["result"]?["block"]?["header"]?["height"]?.int64 == emptyHeight, "block_by_hash found the block it names")
            }
            let checkedContent = try await Self.contentChecked(name, ours, net: net, height: emptyHeight)
            var problems = checkedContent.1
            ours = Self.absentSignaturesChecked(checkedContent.0, problems: &problems)
            #expect(problems.isEmpty, "\(name): \(problems)")
            #expect(Self.shapeDiffs(ours, recorded).isEmpty, "\(name): \(Self.shapeDiffs(ours, recorded)) — \(ours.text.prefix(3_000))")
            #expect(ours["id"] == request["id"], "\(name): id echoed")
            if let error = recorded["error"] {
                let answer = ours.text
                #expect(ours["error"]?["code"] == error["code"], "\(name): \(answer)")
                #expect(ours["error"]?["data"] == error["data"], "\(name): \(answer)")
            }
            checked += 1
        }
        // 30 recordings: three subscriptions over WebSocket, 27 over HTTP.
        #expect(checked == 27)
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
