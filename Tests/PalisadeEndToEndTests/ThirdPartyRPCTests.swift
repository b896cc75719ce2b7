import Foundation
import Testing

/// Tools other people wrote, pointed at a real localnet's JSON-RPC: a CometBFT client from PyPI
/// must read what Palisade serves, and schemathesis must not find a server failure anywhere in
/// CometBFT's own OpenAPI description. One localnet serves both (serialized: two localnets at
/// once would starve each other on a two-core CI machine).
@Suite("Localnet: third-party RPC tools", .serialized)
struct ThirdPartyRPCTests {
    @Test("a PyPI CometBFT client reads status, blocks, txs by hash and search results; schemathesis finds no server failure")
    func thirdPartyTools() async throws {
        try await RPCToolsEnvironment.prepare()
        let net = try Localnet()
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait { (0..<4).allSatisfy { net.height($0) >= 2 } }, "node0 log: \(net.log(0).suffix(2_000))")
        let url = "http://127.0.0.1:\(net.rpcPort(0))"

        // typed-dydx's validating CometBFT client: txs broadcast, then read back every way.
        let script = RPCToolsEnvironment.python.appendingPathComponent("cometbft_client_check.py").path
        let client = try ToolProcess.run(RPCToolsEnvironment.interpreter, [script, url, "6"], timeout: 240)
        #expect(client.status == 0, "the third-party client failed: \(client.summary)")
        #expect(client.stdout.contains("\"txs\": 6"), "\(client.stdout)")

        // schemathesis with a bounded number of examples per operation (see schemathesis.toml).
        let report = URL(fileURLWithPath: net.root).appendingPathComponent("schemathesis-report")
        let fuzz = try ToolProcess.run(RPCToolsEnvironment.schemathesis, Self.schemathesisArguments(url: url, examples: 20,
                                                                                                   report: report),
                                       environment: Self.schemathesisEnvironment,
                                       currentDirectory: URL(fileURLWithPath: net.root), timeout: 600)
        #expect(fuzz.status == 0, "schemathesis found failures: \(fuzz.summary)")
        // Not vacuous: all 28 operations the config leaves in were exercised (30 minus the two unsafe routes).
        #expect(fuzz.stdout.contains("Tested: 28"), "\(fuzz.stdout.suffix(2_000))")

        // The node served all of it and kept committing.
        let after = net.height(0)
        #expect(await net.wait { net.height(0) >= after + 2 }, "node0 stopped committing: \(net.log(0).suffix(2_000))")
        for index in 0..<4 { #expect(net.isRunning(index), "node\(index) exited: \(net.log(index).suffix(2_000))") }
    }

    /// The same command line `Scripts/schemathesis` uses, with a smaller example budget.
    static func schemathesisArguments(url: String, examples: Int, report: URL) -> [String] {
        let fixtures = RPCToolsEnvironment.fixtures
        return ["--no-color", "--config-file", fixtures.appendingPathComponent("python/schemathesis.toml").path,
                "run", fixtures.appendingPathComponent("openapi.yaml").path, "--url", url,
                "--max-examples", "\(examples)", "--seed", "6", "--workers", "2",
                "--report", "junit", "--report-dir", report.path]
    }

    static var schemathesisEnvironment: [String: String] {
        ["SCHEMATHESIS_HOOKS": "schemathesis_hooks",
         "PYTHONPATH": RPCToolsEnvironment.python.path, "PYTHONDONTWRITEBYTECODE": "1"]
    }
}
