import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PalisadeCrypto
import PalisadeTypes
import Testing

/// Accountability end to end, on four real processes running the staking app: a double-sign
/// by node3's key, reported over `broadcast_evidence` to one node, is gossiped, committed in a
/// block, handed to the app as misbehavior, and the app slashes and jails node3, which leaves
/// the validator set two heights later while the other three go on.
@Suite("Evidence on a localnet: double-sign → block → slash and jail", .serialized)
struct EvidenceLocalnetTests {
    @Test("a duplicate vote sent to one node is committed once; the staking app slashes and jails the signer")
    func doubleSignIsSlashedAndJailed() async throws {
        // Power 100 each: the default 5% slash of 100 is 5 (of 10 it would round down to 0).
        let net = try Localnet(extraArguments: ["--proxy-app", "staking", "--power", "100,100,100,100"])
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<4).allSatisfy { net.height($0) >= 3 } })

        let key = try PrivValidatorKey(jsonData: Data(contentsOf: URL(fileURLWithPath: net.home(3) + "/config/priv_validator_key.json")))
        let offender = key.privateKey.publicKey.address
        let evidenceHeight: Int64 = 2
        let validators = try #require(await net.rpc(0, "validators?height=\(evidenceHeight)"))
        let list = try #require(validators["validators"] as? [[String: Any]])
        let index = try #require(list.firstIndex { ($0["address"] as? String) == offender.description })
        let total = list.compactMap { Int64($0["voting_power"] as? String ?? "") }.reduce(0, +)
        let power = try #require(Int64(list[index]["voting_power"] as? String ?? ""))
        let header = try #require(((await net.rpc(0, "block?height=\(evidenceHeight)"))?["block"] as? [String: Any])?["header"] as? [String: Any])
        let blockTime = try #require(header["time"] as? String)
        let chainID = try #require(header["chain_id"] as? String)

        let votes = ["left", "right"].map { seed in
            var vote = Vote(type: .prevote, height: evidenceHeight, round: 0,
                            blockID: BlockID(hash: SHA256Hash.digest(Array(seed.utf8)),
                                             partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(Array((seed + "/parts").utf8)))),
                            timestamp: Timestamp(seconds: 1_800_000_000), validatorAddress: offender,
                            validatorIndex: Int32(index))
            vote.signature = key.privateKey.sign(vote.signBytes(chainID: chainID))
            return vote
        }
        let ordered = votes[0].blockID.key.lexicographicallyPrecedes(votes[1].blockID.key) ? votes : votes.reversed()
        let evidence: [String: Any] = [
            "type": "tendermint/DuplicateVoteEvidence",
            "value": [
                "vote_a": Self.json(ordered[0]), "vote_b": Self.json(ordered[1]),
                "total_voting_power": "\(total)", "validator_power": "\(power)", "timestamp": blockTime,
            ] as [String: Any],
        ]
        let reply = try await Self.post(net, node: 1, method: "broadcast_evidence", params: ["evidence": evidence])
        #expect(reply["error"] == nil, "broadcast_evidence: \(reply)")

        // Some proposer (usually not node1: gossip carries it) puts it in a block.
        var carrier: Int64?
        var scanned = evidenceHeight
        let deadline = Date().addingTimeInterval(60)
        while carrier == nil, Date() < deadline {
            let top = net.height(0)
            while carrier == nil, scanned < top {
                scanned += 1
                if await Self.evidenceCount(net, height: scanned) > 0 { carrier = scanned }
            }
            if carrier == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let height = try #require(carrier, "no block carried the evidence; node1 log: \(net.log(1).suffix(2_000))")
        #expect(await net.wait { (0..<3).allSatisfy { net.height($0) >= height + 3 } }, "the other three go on")

        let results = try #require(await net.rpc(0, "block_results?height=\(height)"))
        let blockEvents = results["finalize_block_events"] as? [[String: Any]] ?? []
        let events = blockEvents.compactMap { $0["type"] as? String }
        #expect(events.contains("slash") && events.contains("jail"), "events at \(height): \(events)")
        let slash = blockEvents.first { ($0["type"] as? String) == "slash" }?["attributes"] as? [[String: Any]] ?? []
        let amount = slash.first { ($0["key"] as? String) == "amount" }?["value"] as? String
        #expect(amount == "5", "5% of node3's 100 is burned: \(slash)")
        let before = await Self.validatorAddresses(net, height: height + 1)
        let after = await Self.validatorAddresses(net, height: height + 2)
        #expect(before.contains(offender.description), "still bonded the height after: \(before)")
        #expect(!after.contains(offender.description) && after.count == 3, "jailed two heights later: \(after)")
        // Committed once: sent again, it is accepted as known and never included a second time.
        let again = try await Self.post(net, node: 2, method: "broadcast_evidence", params: ["evidence": evidence])
        #expect(again["error"] == nil, "\(again)")
        let top = net.height(0)
        #expect(await net.wait { net.height(0) >= top + 3 })
        for other in (height + 1)...net.height(0) {
            #expect(await Self.evidenceCount(net, height: other) == 0, "height \(other) repeats the evidence")
        }
        // Every node committed the same block with it.
        for node in 0..<4 {
            #expect(await net.rpcBlockHash(node, height: height) == net.rpcBlockHash(0, height: height), "node\(node)")
        }
    }

    static func json(_ vote: Vote) -> [String: Any] {
        [
            "type": Int(vote.type.rawValue), "height": "\(vote.height)", "round": Int(vote.round),
            "block_id": ["hash": vote.blockID.hash.upperHex,
                         "parts": ["total": Int(vote.blockID.partSetHeader.total),
                                   "hash": vote.blockID.partSetHeader.hash.upperHex] as [String: Any]] as [String: Any],
            "timestamp": vote.timestamp.rfc3339, "validator_address": vote.validatorAddress.description,
            "validator_index": Int(vote.validatorIndex), "signature": Data(vote.signature).base64EncodedString(),
        ]
    }

    static func post(_ net: Localnet, node: Int, method: String, params: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(net.rpcPort(node))/")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "method": method,
                                                                       "params": params])
        let (data, _) = try await URLSession.shared.data(for: request)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func evidenceCount(_ net: Localnet, height: Int64) async -> Int {
        let block = await net.rpc(0, "block?height=\(height)")
        return (((block?["block"] as? [String: Any])?["evidence"] as? [String: Any])?["evidence"] as? [Any])?.count ?? 0
    }

    static func validatorAddresses(_ net: Localnet, height: Int64) async -> [String] {
        let result = await net.rpc(0, "validators?height=\(height)&per_page=100")
        return (result?["validators"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
    }
}
