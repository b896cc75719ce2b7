import Foundation
import PalisadeABCI
import PalisadeABCISocket
import Testing

/// The compatibility contract (ARCHITECTURE §2): ABCI over sockets must work with a third-party
/// implementation. pyABCI (PyPI) is an independent ABCI 2.0 / CometBFT v0.38 library in Python.
@Suite("ABCI socket interop with pyABCI (Python)", .serialized)
struct PythonInteropTests {
    /// (a) A kvstore written on pyABCI, as a TCP server, driven by ABCISocketClient.
    @Test func clientDrivesAPythonApp() async throws {
        try await PythonEnvironment.prepare()
        let server = try await PythonServer.start(script: "kvstore_app.py")
        defer { server.stop() }
        let client = try await ABCISocketClient.connect(to: .tcp(host: "127.0.0.1", port: server.port))

        // pyABCI's request classes need every field CometBFT always sends to be on the wire.
        let info = try await client.info(InfoRequest(version: "0.38.0", blockVersion: 11, p2pVersion: 8, abciVersion: "2.0.0"))
        #expect(info.data == "pyabci-kvstore")
        #expect(info.lastBlockHeight == 0)
        let genesis = try await client.initChain(InitChainRequest(
            time: ABCISamples.time, chainID: "interop", consensusParams: ABCISamples.params,
            validators: ABCISamples.updates, appStateBytes: Array("{}".utf8), initialHeight: 1))
        #expect(genesis.appHash.count == 32)

        let checks = try await client.checkTxBatch([CheckTxRequest(tx: Array("name=palisade".utf8)),
                                                    CheckTxRequest(tx: Array("garbage".utf8)),
                                                    CheckTxRequest(tx: Array("x=1".utf8))])
        #expect(checks.map(\.code) == [0, 1, 0])
        #expect(checks[1].log == "want key=value")

        let block = try await client.finalizeBlock(FinalizeBlockRequest(
            txs: [Array("name=palisade".utf8), Array("x=1".utf8)], decidedLastCommit: ABCISamples.commitInfo,
            hash: ABCISamples.hash, height: 1, time: ABCISamples.time, nextValidatorsHash: ABCISamples.valsHash,
            proposerAddress: ABCISamples.key1.address))
        #expect(block.txResults.map(\.code) == [0, 0])
        _ = try await client.commit()

        let found = try await client.query(QueryRequest(data: Array("name".utf8), path: "/store"))
        #expect(found.value == Array("palisade".utf8))
        #expect(found.log == "exists")
        #expect(found.height == 1)
        let after = try await client.info(InfoRequest(version: "0.38.0", blockVersion: 11, p2pVersion: 8, abciVersion: "2.0.0"))
        #expect(after.lastBlockHeight == 1)
        #expect(after.lastBlockAppHash == block.appHash)
        #expect(client.failureReason == nil)
        await client.close()
    }

    /// (b) pyABCI's own protobuf classes, as a client on four connections, call every method of
    /// ABCISocketServer: the app sees the exact requests, pyABCI decodes every response, and the
    /// bytes decode back to exactly what the app returned.
    @Test func pythonClientCallsEveryMethodOfTheServer() async throws {
        try await PythonEnvironment.prepare()
        let app = RecordingApplication()
        let server = try await ABCISocketServer.start(serving: app, at: .tcp(host: "127.0.0.1", port: 0))
        guard case .tcp(let host, let port) = server.localAddress else { throw TestFailure("tcp") }
        let arguments = [ABCISamples.key1.bytes.hex, ABCISamples.key2.bytes.hex,
                         ABCISamples.key1.address.bytes.hex, ABCISamples.key2.address.bytes.hex]
        let result = try await Task.detached {
            try ProcessResult.run(PythonEnvironment.python,
                                  [PythonEnvironment.fixtures.appendingPathComponent("abci_client.py").path,
                                   host, "\(port)"] + arguments)
        }.value
        await server.close()
        try #require(result.status == 0, "abci_client.py failed: \(result.summary)")

        let lines = result.stdout.split(separator: "\n")
        let sent = ABCISamples.requests.filter { $0 != .flush }
        #expect(lines.count == sent.count)
        for (line, request) in zip(lines, sent) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(object["request"] == object["response"], "\(line)")
            let raw = try #require(Bytes(hex: object["raw"] ?? ""))
            let response = try ABCIResponse(serializedBytes: raw)
            let expected = ABCIMethod(request) == .echo ? ABCIResponse.echo("hello")
                : RecordingApplication.sample(ABCIMethod(request))
            #expect(response == expected, "\(ABCIMethod(request))")
        }
        #expect(await app.received == sent.filter { ABCIMethod($0) != .echo })
    }
}
