import Foundation
import Testing

/// A third-party app, unchanged, under a Palisade localnet: each validator runs its own pyABCI
/// kvstore process (Python, from PyPI) and reaches it over CometBFT's ABCI socket protocol.
@Suite("Localnet: pyABCI apps over ABCI sockets", .serialized)
struct SocketAppTests {
    static let validators = 4
    static let keys = 12

    @Test("pyABCI kvstore per validator: txs through every node are committed and every node's app answers abci_query; an app killed mid-run halts its node (exit 1, the connection named, nothing signed past it, no block lost); restarted with a fresh app, the node replays from height 1 and commits the same blocks")
    func pyABCIKVStore() async throws {
        try await PythonVenv.prepare()
        let apps = try await PythonApps(count: Self.validators)
        defer { apps.shutdown() }
        let net = try Localnet(extraArguments: ["--proxy-app", apps.proxyAppArgument])
        defer { net.shutdown() }
        let probe = LocalnetProbe(net: net)
        for index in 0..<Self.validators {
            let config = try String(contentsOfFile: net.home(index) + "/config/config.toml", encoding: .utf8)
            #expect(config.contains("proxy_app = \"tcp://127.0.0.1:\(apps.port(index))\""), "node\(index) config")
        }
        try net.startAll()
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= 2 } },
                "heights \((0..<Self.validators).map(net.height)); node0: \(net.log(0).suffix(2_000))")

        // Transactions through different nodes; each must end up committed with code 0.
        var hashes: [String] = []
        for index in 0..<Self.keys {
            let result = await net.rpc(index % Self.validators, "broadcast_tx_sync?tx=%22name\(index)=value\(index)%22")
            #expect((result?["code"] as? Int) == 0, "tx \(index): \(String(describing: result))")
            if let hash = result?["hash"] as? String { hashes.append(hash) }
        }
        try #require(hashes.count == Self.keys)
        var lastTxHeight: Int64 = 0
        for (index, hash) in hashes.enumerated() {
            var found: (height: Int64, code: Int)?
            _ = await probe.eventually { found = await probe.committedTx((index + 1) % Self.validators, hash: hash); return found != nil }
            #expect(found?.code == 0, "tx \(index) committed with code 0: \(String(describing: found))")
            lastTxHeight = max(lastTxHeight, found?.height ?? 0)
        }
        #expect(await net.wait { (0..<Self.validators).allSatisfy { net.height($0) >= lastTxHeight } })
        try await expectAppState(net, probe, nodes: Array(0..<Self.validators), atLeast: lastTxHeight)

        // Kill node3's app. Its node must halt on its own, naming the app connection.
        let victim = 3
        let storedBefore = net.height(victim)
        let signedBefore = try LocalnetProbe.signState(home: net.home(victim))
        apps.kill9(victim)
        let halted = await net.wait(seconds: 60) { !net.isRunning(victim) }
        try #require(halted, "node\(victim) still running after its app died: \(net.log(victim).suffix(2_000))")
        let status = net.exitStatus(victim)
        #expect(status != nil && status != 0, "exit status \(String(describing: status))")
        let haltLine = net.log(victim).split(separator: "\n").last { $0.contains("node halted") }.map(String.init) ?? ""
        #expect(haltLine.contains("application failed"), "halt line: \(haltLine)")
        #expect(haltLine.contains("ABCI") && haltLine.contains("connection"), "the app connection is named: \(haltLine)")
        // Nothing signed past the failure: no later round, no later height than the one the
        // signer was at when the app died (or, if a block was committed between the reads and
        // the kill, round 0 of the next).
        let signedAfter = try LocalnetProbe.signState(home: net.home(victim))
        #expect(signedAfter <= SignState(height: signedBefore.height + 1, round: 0, step: 3),
                "signed \(signedAfter) after the app died; before: \(signedBefore), stored \(storedBefore)")
        let others = (0..<Self.validators).filter { $0 != victim }
        let atHalt = net.height(0)
        #expect(await net.wait { others.allSatisfy { net.height($0) >= atHalt + 3 } }, "three of four keep committing")

        // A fresh app (pyABCI's kvstore keeps nothing on disk, so Info says height 0): the
        // handshake runs InitChain and replays every stored block into it before consensus.
        try await apps.start(victim)
        let starts = net.log(victim).components(separatedBy: "node started").count
        try net.start(victim)
        let storeHeight = await waitForHandshake(net, probe, victim, startsBefore: starts)
        #expect(storeHeight.map { $0 >= storedBefore } == true, "the block store kept height \(storedBefore): \(String(describing: storeHeight))")
        #expect(storeHeight.map { signedAfter.height <= $0 + 1 } == true, "signed \(signedAfter) with \(String(describing: storeHeight)) stored")
        #expect(probe.lastLogField(victim, line: "replaying blocks", field: "from") == "1",
                "replay from height 1: \(net.log(victim).suffix(2_000))")
        let atRestart = net.height(0)
        let rejoined = await net.wait { net.height(victim) >= atRestart + 3 }
        #expect(rejoined, "node\(victim) at \(net.height(victim)), node0 at \(net.height(0)): \(net.log(victim).suffix(3_000))")
        let top = min(net.height(victim), net.height(0))
        for height in Int64(1)...max(1, top) {
            let theirs = await net.rpcBlockHash(0, height: height)
            let ours = await net.rpcBlockHash(victim, height: height)
            #expect(ours != nil && ours == theirs, "height \(height): node\(victim) \(String(describing: ours)), node0 \(String(describing: theirs))")
        }
        #expect(try LocalnetProbe.signState(home: net.home(victim)).height > signedAfter.height, "it signs again")
        try await expectAppState(net, probe, nodes: [victim], atLeast: lastTxHeight)
    }

    /// Every key on every node's app, read back through `abci_query`, and the app behind the
    /// node is the Python one (`abci_info`).
    private func expectAppState(_ net: Localnet, _ probe: LocalnetProbe, nodes: [Int], atLeast height: Int64) async throws {
        for node in nodes {
            let info = await net.rpc(node, "abci_info")?["response"] as? [String: Any]
            #expect(info?["data"] as? String == "pyabci-kvstore", "node\(node) abci_info: \(String(describing: info))")
            let appHeight = (info?["last_block_height"] as? String).flatMap { Int64($0) } ?? 0
            #expect(appHeight >= height, "node\(node)'s app at \(appHeight)")
            for key in 0..<Self.keys {
                let response = await probe.query(node, data: "name\(key)")
                #expect(response?["log"] as? String == "exists", "node\(node) name\(key): \(String(describing: response))")
                let value = (response?["value"] as? String).flatMap { Data(base64Encoded: $0) }
                #expect(value == Data("value\(key)".utf8), "node\(node) name\(key)")
            }
        }
    }

    /// The store height node `index` reported in its handshake with the app, once the start after
    /// `startsBefore` "node started" lines is all the way up.
    private func waitForHandshake(_ net: Localnet, _ probe: LocalnetProbe, _ index: Int, startsBefore: Int) async -> Int64? {
        _ = await net.wait(seconds: 60) { net.log(index).components(separatedBy: "node started").count > startsBefore }
        return probe.lastLogField(index, line: "store_height=", field: "store_height").flatMap { Int64($0) }
    }
}
