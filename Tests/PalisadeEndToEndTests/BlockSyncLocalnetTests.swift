import Foundation
import Glibc
import Testing

/// Block sync (ARCHITECTURE §4a) with real processes: a validator that was stopped, one that was
/// paused with SIGSTOP, and a full node that joins late all catch up over channel 0x40 and then
/// follow consensus. Each test has a quick size for the suite and a full size behind environment
/// variables (`BLOCKSYNC_HEIGHTS=1200`, `BLOCKSYNC_PAUSE=40`, `BLOCKSYNC_JOIN_HEIGHT`). Nothing
/// here asserts a speed: how long catching up took is printed; `Scripts/bench-blocksync` measures.
@Suite("Localnet: block sync", .serialized)
struct BlockSyncLocalnetTests {
    static let validators = 4
    /// Above the P2P layer's 4 MiB message limit: such a block can only travel in chunks.
    static let messageLimit = 4_194_304

    /// Stops every node; with `BLOCKSYNC_KEEP_LOGS=1` the homes and logs stay (path printed).
    static func stop(_ net: Localnet) {
        let keep = ProcessInfo.processInfo.environment["BLOCKSYNC_KEEP_LOGS"] == "1"
        net.shutdown(removeFiles: !keep)
        if keep { print("block sync e2e: homes and logs kept in \(net.root)") }
    }

    /// A stopped or paused validator is the proposer of one height in four; with CometBFT's
    /// default 3 s `timeout_propose` each of those heights would cost 3 s, so round 0 waits
    /// 500 ms. A debug build needs seconds to build and spread a 5 MB proposal, so later rounds
    /// wait 5 s more each (with the default 500 ms steps such a block took 27 rounds).
    static func shortProposeTimeout(_ net: Localnet) throws {
        try net.setConfig(section: "consensus", key: "timeout_propose", to: "\"500ms\"")
        try net.setConfig(section: "consensus", key: "timeout_propose_delta", to: "\"5s\"")
    }

    static func setting(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? value
    }

    @Test("a validator stopped while its peers commit a block above 4 MiB and many more heights catches up by block sync (catching_up seen true), signs again, and has the same hashes")
    func laggingValidatorWithLargeBlock() async throws {
        let heights = Int64(Self.setting("BLOCKSYNC_HEIGHTS", default: 150))
        let started = ContinuousClock.now
        let net = try Localnet(timeoutCommit: "0s")
        defer { Self.stop(net) }
        try Self.shortProposeTimeout(net)
        let chain = ChainReader(net: net)
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 3 } },
                "heights \((0..<Self.validators).map(net.height))")
        let node3 = try #require(await chain.validatorAddress(3), "node3's /status")
        #expect(net.terminate(3) == 0, "node3 stops cleanly on SIGTERM")
        let stoppedAt = net.height(3)

        // Nine ~600 KB transactions at once through node0: a block above 4 MiB. If the proposer
        // happened to split them over blocks none of which passes 4 MiB, another batch goes in.
        var large: (height: Int64, size: Int)?
        for batch in 0..<2 where large == nil {
            // With node2 stopped too, nodes 0 and 1 cannot commit: all nine wait in the mempools
            // and the next block after node2 is back takes them together (a fast chain would
            // otherwise cut them into blocks below 4 MiB as they arrive).
            #expect(net.terminate(2) == 0, "node2 stops cleanly on SIGTERM")
            let hashes = try await chain.broadcastLarge(through: 0, count: 9, bytes: 600_000, prefix: "big\(batch)-")
            #expect(hashes.count == 9, "every large transaction accepted by CheckTx")
            try net.start(2)
            let sent = ContinuousClock.now
            var blockHeights: Set<Int64> = []
            var pending = hashes
            let deadline = Date().addingTimeInterval(300)
            while !pending.isEmpty, Date() < deadline {
                for hash in pending {
                    if let found = await LocalnetProbe(net: net).committedTx(0, hash: hash) {
                        blockHeights.insert(found.height)
                        pending.removeAll { $0 == hash }
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            try #require(pending.isEmpty, "\(pending.count) large transactions not committed within 300 s; node0 at \(net.height(0)); log \(net.logPath(0))")
            print("block sync e2e: batch \(batch) of large transactions committed \(ContinuousClock.now - sent) after broadcast")
            var sizes: [Int64: Int] = [:]
            for height in blockHeights { sizes[height] = await chain.blockSize(0, height: height) }
            print("block sync e2e: batch \(batch) of large transactions landed in blocks (height: bytes) \(sizes.sorted { $0.key < $1.key })")
            if let biggest = sizes.max(by: { $0.value < $1.value }), biggest.value > Self.messageLimit {
                large = (biggest.key, biggest.value)
            }
        }
        let big = try #require(large, "no block above \(Self.messageLimit) bytes was committed")
        // Ordinary small transactions through the three running nodes.
        var accepted = 0
        for index in 0..<30 {
            let result = await net.rpc(index % 3, "broadcast_tx_sync?tx=%22small\(index)=value\(index)%22")
            if (result?["code"] as? Int) == 0 { accepted += 1 }
        }
        #expect(accepted == 30)

        let from = net.height(0)
        let produced = await net.wait(seconds: Double(heights) * 0.5 + 120) { net.height(0) >= from + heights }
        #expect(produced, "the three others committed \(heights) more heights: node0 at \(net.height(0)) from \(from)")
        for index in 0..<3 {
            #expect(!net.log(index).contains("refusing to send a message"), "node\(index) tried a message above the limit")
        }

        let restartedAt = ContinuousClock.now
        let target = try #require(await chain.status(0)?.height, "node0's /status")
        let switchesBefore = net.log(3).components(separatedBy: "switching to block sync").count - 1
        try net.start(3)
        let catchUp = await chain.catchUp(3, to: target, seconds: 300)
        let elapsed = ContinuousClock.now - restartedAt
        print("block sync e2e: node3 from height \(stoppedAt) to \(target) (large block \(big.size) bytes at \(big.height)) in \(elapsed); catching_up seen \(catchUp.sawCatchingUp)")
        #expect(catchUp.reached, "node3 reached \(target): \(catchUp.lastHeight.map(String.init) ?? "no answer"); log \(net.logPath(3))")
        #expect(catchUp.sawCatchingUp, "/status catching_up was never true while node3 caught up")
        try #require(catchUp.reached, "node3's log tail: \(net.log(3).suffix(3_000))")

        // Back in consensus: catching_up false, new heights committed, and node3 signs again.
        #expect(await chain.leavesCatchingUp(3), "node3 still reports catching_up; log \(net.logPath(3))")
        let signed = await chain.signs(node3, after: target, seconds: 90)
        #expect(signed != nil, "node3's address in no last_commit after \(target); log \(net.logPath(3))")
        let following = target + 20
        #expect(await net.wait(seconds: 120) { net.height(3) >= following }, "node3 committed new heights: at \(net.height(3))")
        let switches = net.log(3).components(separatedBy: "switching to block sync").count - 1 - switchesBefore
        print("block sync e2e: node3 signed again at \(signed.map(String.init) ?? "never"); entered block sync \(switches) time(s) since its restart")
        #expect(switches >= 1, "node3 never switched to block sync")
        #expect(net.log(3).contains("caught up; switching to consensus"))

        try await chain.expectSameHashes(0, 3, upTo: min(net.height(0), net.height(3)), extra: [big.height])
        print("block sync e2e: lagging validator test took \(ContinuousClock.now - started)")
    }

    @Test("a validator paused with SIGSTOP while the others commit at timeout_commit 0 catches up by block sync after SIGCONT and follows")
    func pausedValidator() async throws {
        let pause = Self.setting("BLOCKSYNC_PAUSE", default: 15)
        let started = ContinuousClock.now
        let net = try Localnet(timeoutCommit: "0s")
        defer { Self.stop(net) }
        try Self.shortProposeTimeout(net)
        let chain = ChainReader(net: net)
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 3 } },
                "heights \((0..<Self.validators).map(net.height))")
        let node3 = try #require(await chain.validatorAddress(3), "node3's /status")
        let pid = try #require(net.processID(3), "node3's process id")
        let pausedAt = net.height(3)
        #expect(kill(pid, SIGSTOP) == 0)
        try await Task.sleep(for: .seconds(pause))
        let target = try #require(await chain.status(0)?.height, "node0's /status")
        let switchesBefore = net.log(3).components(separatedBy: "switching to block sync").count - 1
        let resumed = ContinuousClock.now
        #expect(kill(pid, SIGCONT) == 0)
        let catchUp = await chain.catchUp(3, to: target, seconds: 180)
        let elapsed = ContinuousClock.now - resumed
        print("block sync e2e: node3 paused \(pause) s at height \(pausedAt); \(target - pausedAt) heights behind at SIGCONT; reached \(target) in \(elapsed) (catching_up seen \(catchUp.sawCatchingUp))")
        #expect(catchUp.reached, "node3 reached \(target): at \(catchUp.lastHeight.map(String.init) ?? "no answer"); log \(net.logPath(3))")
        try #require(catchUp.reached, "node3's log tail: \(net.log(3).suffix(3_000))")
        let switches = net.log(3).components(separatedBy: "switching to block sync").count - 1 - switchesBefore
        #expect(switches >= 1, "node3 caught up without block sync?")

        #expect(await chain.leavesCatchingUp(3), "node3 still reports catching_up; log \(net.logPath(3))")
        let signed = await chain.signs(node3, after: target, seconds: 90)
        #expect(signed != nil, "node3's address in no last_commit after \(target); log \(net.logPath(3))")
        let following = target + 20
        #expect(await net.wait(seconds: 120) { net.height(3) >= following }, "node3 follows: at \(net.height(3))")
        print("block sync e2e: node3 signed again at \(signed.map(String.init) ?? "never"); entered block sync \(switches) time(s) after SIGCONT")
        try await chain.expectSameHashes(0, 3, upTo: min(net.height(0), net.height(3)), extra: [])
        print("block sync e2e: SIGSTOP test took \(ContinuousClock.now - started)")
    }

    @Test("a full node (palisade init --genesis --persistent-peers) joins at height 30+, catches up, follows, and never signs")
    func fullNodeJoins() async throws {
        let joinHeight = Int64(Self.setting("BLOCKSYNC_JOIN_HEIGHT", default: 30))
        let started = ContinuousClock.now
        let net = try Localnet(timeoutCommit: "0s")
        defer { Self.stop(net) }
        let chain = ChainReader(net: net)
        let full = Self.validators
        try net.addFullNode(full)
        try net.startAll()
        #expect(await net.wait(seconds: Double(joinHeight) + 120) { net.height(0) >= joinHeight },
                "node0 at \(net.height(0))")
        let joinedAt = ContinuousClock.now
        try net.start(full)
        _ = await LocalnetProbe(net: net).eventually(seconds: 60) { await chain.validatorAddress(full) != nil }
        let address = try #require(await chain.validatorAddress(full), "the full node's /status; log \(net.logPath(full))")
        let power = try? await net.get(full, "status").json?["result"]?["validator_info"]?["voting_power"]?.int64
        #expect(power == 0, "the full node has no voting power")
        let target = try #require(await chain.status(0)?.height, "node0's /status")
        let catchUp = await chain.catchUp(full, to: target, seconds: 180)
        print("block sync e2e: full node from 0 to \(target) in \(ContinuousClock.now - joinedAt) (catching_up seen \(catchUp.sawCatchingUp))")
        #expect(catchUp.reached, "full node at \(catchUp.lastHeight.map(String.init) ?? "no answer"); log \(net.logPath(full))")
        try #require(catchUp.reached, "full node log tail: \(net.log(full).suffix(3_000))")
        #expect(net.log(full).contains("switching to block sync"), "the full node caught up without block sync?")
        #expect(await chain.leavesCatchingUp(full), "the full node still reports catching_up; log \(net.logPath(full))")
        let following = target + 20
        #expect(await net.wait(seconds: 120) { net.height(full) >= following }, "full node follows: at \(net.height(full))")

        // It never signs: its address is in no commit, and every commit is the four validators'.
        let top = min(net.height(0), net.height(full))
        var signers: Set<String> = []
        for height in Int64(2)...top {
            guard let block = await chain.signers(0, height: height) else {
                Issue.record("no block \(height) on node0")
                continue
            }
            signers.formUnion(block)
        }
        #expect(!signers.contains(address), "the full node's address \(address) is in a last_commit")
        #expect(signers.count == Self.validators, "commit signers: \(signers.sorted())")
        try await chain.expectSameHashes(0, full, upTo: top, extra: [])
        print("block sync e2e: full node test took \(ContinuousClock.now - started)")
    }
}

/// What the block sync tests read over RPC: `/status`, block sizes and commit signers, hashes.
struct ChainReader {
    let net: Localnet

    struct Status {
        var height: Int64
        var catchingUp: Bool
    }

    func status(_ index: Int) async -> Status? {
        guard let answer = try? await net.get(index, "status"),
              let info = answer.json?["result"]?["sync_info"],
              let height = info["latest_block_height"]?.int64,
              case .bool(let catchingUp)? = info["catching_up"] else { return nil }
        return Status(height: height, catchingUp: catchingUp)
    }

    func validatorAddress(_ index: Int) async -> String? {
        try? await net.get(index, "status").json?["result"]?["validator_info"]?["address"]?.string
    }

    /// `block_size` of one block (`/blockchain`).
    func blockSize(_ index: Int, height: Int64) async -> Int? {
        let answer = try? await net.get(index, "blockchain?minHeight=\(height)&maxHeight=\(height)")
        return (answer?.json?["result"]?["block_metas"]?[0]?["block_size"]?.int64).map { Int($0) }
    }

    /// The addresses in block `height`'s `last_commit.signatures` (absent votes left out).
    func signers(_ index: Int, height: Int64) async -> Set<String>? {
        guard let answer = try? await net.get(index, "block?height=\(height)"),
              let signatures = answer.json?["result"]?["block"]?["last_commit"]?["signatures"]?.items else { return nil }
        return Set(signatures.compactMap { $0["validator_address"]?.string }.filter { !$0.isEmpty })
    }

    /// `count` transactions of about `bytes` bytes (`<prefix><i>=aaa…`) sent at once through
    /// `broadcast_tx_sync` as JSON-RPC POSTs (base64, under `max_body_bytes`); the hashes of
    /// those CheckTx accepted.
    func broadcastLarge(through index: Int, count: Int, bytes: Int, prefix: String) async throws -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for item in 0..<count {
                group.addTask {
                    let tx = Data("\(prefix)\(item)=".utf8) + Data(repeating: UInt8(ascii: "a") + UInt8(item % 26), count: bytes)
                    let answer = try? await net.call(index, "broadcast_tx_sync", ["tx": .string(tx.base64EncodedString())])
                    guard answer?["result"]?["code"]?.int64 == 0 else {
                        print("block sync e2e: large tx \(prefix)\(item) refused: \(answer?.text.prefix(300) ?? "no answer")")
                        return nil
                    }
                    return answer?["result"]?["hash"]?.string
                }
            }
            var hashes: [String] = []
            for await hash in group { if let hash { hashes.append(hash) } }
            return hashes
        }
    }

    struct CatchUp {
        var reached: Bool
        var sawCatchingUp: Bool
        var lastHeight: Int64?
    }

    /// Polls `/status` of node `index` (every 20 ms) until its height reaches `target`; whether
    /// `catching_up` was true in any answer on the way.
    func catchUp(_ index: Int, to target: Int64, seconds: Double) async -> CatchUp {
        let deadline = Date().addingTimeInterval(seconds)
        var result = CatchUp(reached: false, sawCatchingUp: false, lastHeight: nil)
        while Date() < deadline {
            if let status = await status(index) {
                result.lastHeight = status.height
                if status.catchingUp { result.sawCatchingUp = true }
                if status.height >= target {
                    result.reached = true
                    return result
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return result
    }

    /// `catching_up` false in `/status`, within `seconds`.
    func leavesCatchingUp(_ index: Int, seconds: Double = 60) async -> Bool {
        await LocalnetProbe(net: net).eventually(seconds: seconds) { await status(index)?.catchingUp == false }
    }

    /// The first height above `height` whose `last_commit` (as node0 stores it) carries
    /// `address`'s signature, waiting up to `seconds` for it.
    func signs(_ address: String, after height: Int64, seconds: Double) async -> Int64? {
        let deadline = Date().addingTimeInterval(seconds)
        var next = height + 1
        while Date() < deadline {
            let top = await status(0)?.height ?? 0
            while next <= top {
                if await signers(0, height: next)?.contains(address) == true { return next }
                next += 1
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// Node `a` and node `b` report the same block hash at every 50th height up to `top` and at
    /// each of `extra`.
    func expectSameHashes(_ a: Int, _ b: Int, upTo top: Int64, extra: [Int64]) async throws {
        var heights = Array(stride(from: Int64(50), through: top, by: 50)) + extra
        if heights.isEmpty { heights = [top] }
        for height in heights.sorted() {
            let first = await net.rpcBlockHash(a, height: height)
            let second = await net.rpcBlockHash(b, height: height)
            #expect(first != nil && first == second, "height \(height): node\(a) \(first ?? "nil"), node\(b) \(second ?? "nil")")
        }
    }
}
