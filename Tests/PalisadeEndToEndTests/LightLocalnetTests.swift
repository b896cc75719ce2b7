import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing

/// `palisade light` as an operator runs it: a real proxy process in front of node0, with node1 as
/// witness, trusting a header taken from node1.
@Suite("Localnet: palisade light in front of a node", .serialized)
struct LightLocalnetTests {
    @Test("the light proxy answers block, commit and validators with node0's hashes, verified from a trusted height-2 hash")
    func lightProxyServesVerifiedBlocks() async throws {
        let net = try Localnet()
        defer { net.shutdown() }
        let checks = Checks()
        defer { if checks.keepFiles { _ = net.keepFiles(as: "light") } }
        let watch = LogWatch(net: net)
        try net.startAll()
        try checks.require(await watch.wait(seconds: 120) { watch.height(0) >= 4 }, "heights \(watch.heights)")

        let status = await net.rpc(1, "status")
        let chainID = (status?["node_info"] as? [String: Any])?["network"] as? String
        let trustHash = await net.rpcBlockHash(1, height: 2)
        guard let chainID, let trustHash else { throw LocalnetError("node1 gave no chain ID or hash at 2") }

        guard let binary = Localnet.binary else { throw LocalnetError("no palisade binary") }
        // An odd port inside the harness's free range: the nodes use the even ones.
        let port = net.rpcPort(net.validators) + 1
        let light = Process()
        light.executableURL = URL(fileURLWithPath: binary)
        light.arguments = ["light", chainID, "--primary", "http://127.0.0.1:\(net.rpcPort(0))",
                           "--witnesses", "http://127.0.0.1:\(net.rpcPort(1))", "--height", "2", "--hash", trustHash,
                           "--laddr", "tcp://127.0.0.1:\(port)"]
        light.standardOutput = FileHandle.nullDevice
        light.standardError = FileHandle.nullDevice
        try light.run()
        defer { if light.isRunning { kill(light.processIdentifier, SIGKILL) }; light.waitUntilExit() }

        func proxy(_ pathAndQuery: String) async -> [String: Any]? {
            guard let url = URL(string: "http://127.0.0.1:\(port)/\(pathAndQuery)"),
                  let (data, _) = try? await URLSession.shared.data(from: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object
        }
        var answered: [String: Any]?
        for _ in 0..<300 where answered == nil {
            answered = await proxy("status")?["result"] as? [String: Any]
            if answered == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let latestText = (answered?["sync_info"] as? [String: Any])?["latest_block_height"] as? String
        try checks.require(latestText.flatMap { Int64($0) }.map { $0 >= 4 } == true,
                           "light /status: \(String(describing: answered))")
        for height in [Int64(3), 4] {
            let block = await proxy("block?height=\(height)")?["result"] as? [String: Any]
            let ours = (block?["block_id"] as? [String: Any])?["hash"] as? String
            let node0 = await net.rpcBlockHash(0, height: height)
            checks.expect(ours != nil && ours == node0, "block \(height): light \(String(describing: ours)), node0 \(String(describing: node0))")
            let commit = await proxy("commit?height=\(height)")?["result"] as? [String: Any]
            let signed = (commit?["signed_header"] as? [String: Any])?["commit"] as? [String: Any]
            let committed = (signed?["block_id"] as? [String: Any])?["hash"] as? String
            checks.expect(committed == node0, "commit \(height): \(String(describing: commit))")
        }
        // Below the trusted height: verified backwards by hash from height 2.
        let first = await proxy("block?height=1")?["result"] as? [String: Any]
        checks.expect((first?["block_id"] as? [String: Any])?["hash"] as? String == (await net.rpcBlockHash(0, height: 1)),
                      "block 1: \(String(describing: first))")
        let validators = await proxy("validators?height=3")?["result"] as? [String: Any]
        checks.expect(validators?["total"] as? String == "4", "validators: \(String(describing: validators))")
        // What cannot be checked against a header is refused, not passed through.
        let refused = await proxy("abci_info")
        checks.expect(refused?["error"] != nil, "abci_info: \(String(describing: refused))")
        checks.finish()
    }
}
