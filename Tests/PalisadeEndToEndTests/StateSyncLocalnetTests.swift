import Foundation
import Glibc
import Testing

/// State sync as an operator uses it: a new full node whose `[statesync]` trusts a height and
/// hash read from a validator's RPC joins a running kvstore localnet from a snapshot instead of
/// from height 1, then follows the chain. Quick size for the suite; `STATESYNC_HEIGHT=2000` for a
/// longer chain. Nothing here asserts a speed.
@Suite("Localnet: state sync", .serialized)
struct StateSyncLocalnetTests {
    static let validators = 4
    static let fullNode = 4

    static func setting(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? value
    }

    @Test("a new full node with [statesync] joins at height 400+ from a snapshot: earliest_block_height above 1, a key written in the first heights answers, it follows new blocks with the validators' hashes")
    func fullNodeJoinsFromASnapshot() async throws {
        let height = Int64(Self.setting("STATESYNC_HEIGHT", default: 400))
        let interval = max(10, height / 4)
        let net = try Localnet(timeoutCommit: "0s")
        let checks = Checks()
        defer {
            if checks.keepFiles { _ = net.keepFiles(as: "statesync") }
            net.shutdown()
        }
        try net.setConfig(section: "kvstore", key: "snapshot_interval", to: "\(interval)")
        let chain = ChainReader(net: net)
        let probe = LocalnetProbe(net: net)
        try net.startAll()
        try checks.require(await net.wait { net.height(0) >= 1 }, "no first block: heights \((0..<4).map(net.height))")
        // A key written in the chain's first heights: only the snapshot can give it to the new node.
        let early = await net.rpc(1, "broadcast_tx_commit?tx=%22early=first-heights%22")
        let earlyHeight = (early?["height"] as? String).flatMap { Int64($0) }
        try checks.require(earlyHeight != nil, "broadcast_tx_commit: \(String(describing: early))")
        try checks.require(await net.wait(seconds: Double(height) + 300) { net.height(0) >= height + 5 },
                           "the validators reached \(net.height(0)), not \(height + 5)")

        // The operator's trust: a recent height and its hash, from one validator's RPC.
        let trustHeight = try #require(await chain.status(1)?.height) - 2
        let trustHash = try #require(await net.rpcBlockHash(1, height: trustHeight))
        try net.addFullNode(Self.fullNode)
        let config = net.home(Self.fullNode) + "/config/config.toml"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        for (key, value) in [("enable", "true"),
                             ("rpc_servers", "\"http://127.0.0.1:\(net.rpcPort(0)),http://127.0.0.1:\(net.rpcPort(1))\""),
                             ("trust_height", "\(trustHeight)"), ("trust_hash", "\"\(trustHash)\""),
                             ("discovery_time", "\"5s\"")] {
            text = try Localnet.settingTOML(text, section: "statesync", key: key, to: value)
        }
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        try net.start(Self.fullNode)

        let target = try #require(await chain.status(0)?.height)
        let catchUp = await chain.catchUp(Self.fullNode, to: target, seconds: 300)
        try checks.require(catchUp.reached, "the full node reached \(catchUp.lastHeight.map(String.init) ?? "no answer"), not \(target); log \(net.logPath(Self.fullNode))")
        checks.expect(catchUp.sawCatchingUp, "/status catching_up was never true while the full node synced")
        checks.expect(net.log(Self.fullNode).contains("state sync"), "no state sync line in the full node's log")

        let status = await net.rpc(Self.fullNode, "status")
        let sync = status?["sync_info"] as? [String: Any]
        let earliest = (sync?["earliest_block_height"] as? String).flatMap { Int64($0) } ?? 0
        print("state sync e2e: validators at \(target), trusted \(trustHeight); the full node's earliest block \(earliest)")
        checks.expect(earliest > interval, "earliest_block_height \(earliest): the node did not start from a snapshot")
        let value = await probe.queryValue(Self.fullNode, data: "early")
        checks.expect(value == Data("first-heights".utf8),
                      "abci_query early (written at \(earlyHeight ?? 0)): \(String(describing: value))")

        // It follows new blocks, with the validators' hashes.
        let following = target + 10
        checks.expect(await net.wait(seconds: 120) { net.height(Self.fullNode) >= following },
                      "the full node stopped at \(net.height(Self.fullNode)), not \(following)")
        for sampled in [earliest, target, following] where sampled > 0 {
            let ours = await net.rpcBlockHash(Self.fullNode, height: sampled)
            let theirs = await net.rpcBlockHash(0, height: sampled)
            checks.expect(ours != nil && ours == theirs, "block \(sampled): full node \(String(describing: ours)), node0 \(String(describing: theirs))")
        }
        let below = await net.rpc(Self.fullNode, "block?height=\(max(1, earliest - 1))")
        checks.expect(below == nil, "a height below the snapshot answered: \(String(describing: below))")
        checks.finish()
    }
}
