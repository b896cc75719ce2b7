import Foundation
import Testing

/// `palisade inspect`: a stopped node's stored chain over its own RPC port, read-only.
@Suite("Localnet: palisade inspect on a stopped node", .serialized)
struct InspectLocalnetTests {
    @Test("node0 stopped at its height: inspect answers /status, /block and /commit from its store as node1 does, refuses consensus and broadcast with an error, and holds the home so start is refused")
    func inspectServesTheStoredChain() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        let checks = Checks()
        defer { if checks.keepFiles { _ = net.keepFiles(as: "inspect") } }
        let watch = LogWatch(net: net)
        try net.startAll()
        try checks.require(await watch.wait(seconds: 120) { watch.height(0) >= 4 }, "heights \(watch.heights)")
        let status = net.terminate(0)
        checks.expect(status == 0, "node0 exit status \(String(describing: status))")
        watch.poll()
        let stopped = watch.height(0)

        let inspect = try net.startInspect(0)
        defer { if inspect.isRunning { kill(inspect.processIdentifier, SIGKILL) }; inspect.waitUntilExit() }
        var answered: [String: Any]?
        for _ in 0..<300 where answered == nil {
            answered = await net.rpc(0, "status")
            if answered == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let sync = answered?["sync_info"] as? [String: Any]
        checks.expect(sync?["latest_block_height"] as? String == "\(stopped)" && sync?["catching_up"] as? Bool == false,
                      "inspect /status: \(String(describing: sync))")
        for height in [Int64(1), 3, stopped] {
            let ours = await net.rpcBlockHash(0, height: height)
            let theirs = await net.rpcBlockHash(1, height: height)
            checks.expect(ours != nil && ours == theirs, "block \(height): inspect \(String(describing: ours)), node1 \(String(describing: theirs))")
        }
        let commit = await net.rpc(0, "commit?height=2")
        checks.expect(commit?["signed_header"] != nil, "inspect /commit: \(String(describing: commit))")
        for method in ["consensus_state", "broadcast_tx_sync?tx=0x6b3d76", "abci_info"] {
            let answer = try await net.get(0, method)
            checks.expect(answer.text.contains("\"error\"") && answer.text.contains("palisade inspect"),
                          "inspect /\(method): HTTP \(answer.status) \(answer.text)")
        }
        // The home is held: the node cannot start and write beneath the inspector.
        try net.start(0)
        let refused = await watch.wait(seconds: 60) { !net.isRunning(0) }
        checks.expect(refused && net.exitStatus(0) != 0, "node0 started beside inspect")
        checks.expect(net.log(0).contains("palisade.lock"), "start's refusal: \(net.logLines(0, containing: ["lock"], last: 2))")
        checks.finish()
    }
}
