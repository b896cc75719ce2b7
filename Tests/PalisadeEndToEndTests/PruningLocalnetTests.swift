import Foundation
import Glibc
import Testing

/// Block pruning with real processes (issue #15 item 4): the kvstore asks to keep
/// `[kvstore] retain_blocks` blocks, `/status` `earliest_block_height` follows, pruned heights
/// answer with CometBFT's error, and a validator that fell behind catches up by block sync from
/// what its peers still store.
@Suite("Localnet: pruning to the app's retain height", .serialized)
struct PruningLocalnetTests {
    static let retainBlocks: Int64 = 20

    /// The error of a URI call: code and `data`.
    static func error(_ net: Localnet, _ index: Int, _ call: String) async -> (code: Int64?, data: String?) {
        let answer = try? await net.get(index, call)
        return (answer?.json?["error"]?["code"]?.int64, answer?.json?["error"]?["data"]?.string)
    }

    static func earliest(_ net: Localnet, _ index: Int) async -> Int64? {
        try? await net.get(index, "status").json?["result"]?["sync_info"]?["earliest_block_height"]?.int64
    }

    @Test("retain_blocks = 20: earliest_block_height rises, pruned heights get CometBFT's error, a lagging validator block-syncs from its peers' bases")
    func pruningLocalnet() async throws {
        let net = try Localnet(timeoutCommit: "200ms")
        defer { net.shutdown() }
        try net.setConfig(section: "kvstore", key: "retain_blocks", to: "\(Self.retainBlocks)")
        try net.setConfig(section: "consensus", key: "timeout_propose", to: "\"500ms\"")
        try net.startAll()
        let chain = ChainReader(net: net)
        #expect(await net.wait(seconds: 180) { (0..<4).allSatisfy { net.height($0) >= 45 } },
                "heights \((0..<4).map(net.height))")

        // The base follows the retain height: latest - 19 at most one block behind.
        let latest = try #require(await chain.status(0)?.height)
        let base = try #require(await Self.earliest(net, 0), "node0's /status")
        #expect(base > 1 && base >= latest - Self.retainBlocks, "earliest \(base) at latest \(latest)")
        let status = try await net.get(0, "status").json?["result"]?["sync_info"]
        #expect(status?["earliest_block_hash"]?.string?.isEmpty == false)
        #expect(status?["earliest_app_hash"]?.string?.isEmpty == false)

        // Heights below the base: CometBFT's error, code -32603, for every height method.
        for method in ["block", "commit", "block_results", "validators", "header"] {
            let (code, data) = await Self.error(net, 0, "\(method)?height=1")
            #expect(code == -32603, "\(method): \(String(describing: code))")
            #expect(data?.hasPrefix("height 1 is not available, lowest height is ") == true, "\(method): \(data ?? "nil")")
        }
        let (code, data) = await Self.error(net, 0, "blockchain?minHeight=1&maxHeight=2")
        #expect(code == -32603)
        #expect(data?.hasPrefix("min height ") == true, "blockchain below the base: \(data ?? "nil")")
        let top = try #require(await chain.status(0)?.height)
        #expect(await net.rpcBlockHash(0, height: top) != nil, "the latest block is served")

        // node3 stops; the others go on (and prune) for fewer heights than they retain, so what
        // node3 needs is still above their bases: it must ask them only for those.
        #expect(net.terminate(3) == 0)
        let stoppedAt = net.height(3)
        #expect(await net.wait(seconds: 120) { net.height(0) >= stoppedAt + 5 })
        let othersBase = try #require(await Self.earliest(net, 0))
        #expect(othersBase > 1, "the others prune while node3 is down")
        try net.start(3)
        let target = try #require(await chain.status(0)?.height)
        let caughtUp = await chain.catchUp(3, to: target, seconds: 120)
        #expect(caughtUp.reached, "node3 from \(stoppedAt) reached \(target): \(caughtUp.lastHeight.map(String.init) ?? "no answer"); log \(net.logPath(3))")
        #expect(net.log(3).contains("switching to block sync"), "node3 caught up without block sync")
        print("pruning e2e: node3 stopped at \(stoppedAt), restarted with the others' base at \(othersBase), caught up to \(target)")
        #expect(await net.wait(seconds: 60) { net.height(3) >= target + 5 }, "node3 follows consensus again")
        #expect(!net.log(3).contains("failed to prune"), "node3's log reports a failed prune")
        #expect(!net.log(0).contains("failed to prune"), "node0's log reports a failed prune")
        try await chain.expectSameHashes(0, 3, upTo: 0, extra: [target, target + 3])

        // A stopped pruned node: inspect serves its store with the same base rule, and rollback
        // still takes its latest height back.
        #expect(net.terminate(1) == 0)
        let binary = try #require(Localnet.binary)
        let inspect = try net.startInspect(1)
        var inspected: Int64?
        for _ in 0..<300 where inspected == nil {
            inspected = await Self.earliest(net, 1)
            if inspected == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect((inspected ?? 0) > 1, "inspect's earliest_block_height: \(String(describing: inspected))")
        let pruned = await Self.error(net, 1, "block?height=1")
        #expect(pruned.data == "height 1 is not available, lowest height is \(inspected ?? 0)", "inspect: \(pruned.data ?? "nil")")
        kill(inspect.processIdentifier, SIGTERM)
        inspect.waitUntilExit()
        let stopped = net.height(1)
        let rollback = try Localnet.runToEnd(binary, ["rollback", "--home", net.home(1)])
        #expect(rollback.status == 0 && rollback.output.contains("Rolled back state to height \(stopped - 1)"),
                "palisade rollback: exit \(rollback.status), \(rollback.output)")
    }
}
