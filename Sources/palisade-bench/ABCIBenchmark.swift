import Foundation
import PalisadeABCI
import PalisadeABCISocket
import PalisadeApps

/// `palisade-bench abci`: what the ABCI socket costs against calling the app in process, with the
/// kvstore app. CheckTx: round trips per second, pipelined in batches over the socket (as the
/// mempool sends them), one at a time over the socket, and in process. FinalizeBlock: one block
/// of 10,000 `key=value` transactions (then Commit), over the socket and in process. The server
/// runs in this process on loopback TCP, so the figures include both ends' work.
enum ABCIBenchmark {
    static let batch = 1000
    static let blockTxs = 10_000

    static func run() {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await measure()
            } catch {
                printError("abci benchmark failed: \(error)\n")
            }
            done.signal()
        }
        done.wait()
    }

    static func tx(_ i: Int) -> Bytes { Array("key\(i)=value\(i)".utf8) }

    static func measure() async throws {
        print("abci: kvstore app, server in this process on tcp://127.0.0.1 (release build recommended)")
        let local = KVStoreApplication()
        let remote = KVStoreApplication()
        let server = try await ABCISocketServer.start(serving: remote, at: .tcp(host: "127.0.0.1", port: 0))
        let client = try await ABCISocketClient.connect(to: server.localAddress)
        let requests = (0..<batch).map { CheckTxRequest(tx: tx($0)) }

        let inProcess = try await rate(batch) { for r in requests { _ = try await local.checkTx(r) } }
        BenchmarkHarness.report("CheckTx in process", "\(BenchmarkHarness.format(inProcess)) /s")
        let pipelined = try await rate(batch) { _ = try await client.checkTxBatch(requests) }
        BenchmarkHarness.report("CheckTx socket, pipelined x\(batch)", "\(BenchmarkHarness.format(pipelined)) /s"
                                + String(format: "  (%.1fx in-process time)", inProcess / pipelined))
        let oneByOne = try await rate(100) { for r in requests.prefix(100) { _ = try await client.checkTx(r) } }
        BenchmarkHarness.report("CheckTx socket, one at a time", "\(BenchmarkHarness.format(oneByOne)) /s"
                                + "  (\(BenchmarkHarness.duration(1 / oneByOne)) round trip)")

        let block = (0..<blockTxs).map(tx)
        var height: Int64 = 0
        func finalize(_ app: any Application) async throws {
            height += 1
            let request = FinalizeBlockRequest(txs: block, hash: Bytes(repeating: 1, count: 32), height: height,
                                               time: Timestamp(seconds: 1_700_000_000 + height, nanos: 0),
                                               nextValidatorsHash: Bytes(repeating: 2, count: 32),
                                               proposerAddress: Address(bytes: Bytes(repeating: 3, count: 20)))
            _ = try await app.finalizeBlock(request)
            _ = try await app.commit()
        }
        let localBlock = try await seconds(rounds: 5) { try await finalize(local) }
        height = 0
        let remoteBlock = try await seconds(rounds: 5) { try await finalize(client) }
        BenchmarkHarness.report("FinalizeBlock+Commit 10k, in process", BenchmarkHarness.duration(localBlock))
        BenchmarkHarness.report("FinalizeBlock+Commit 10k, socket", BenchmarkHarness.duration(remoteBlock)
                                + String(format: "  (%.2fx)", remoteBlock / localBlock))
        await client.close()
        await server.close()
    }

    /// Operations per second of `body` (each run doing `operations`), over about a second.
    static func rate(_ operations: Int, _ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        for _ in 0..<3 { try await body() }
        var done = 0
        let start = clock.now
        while clock.now - start < .seconds(1) {
            try await body()
            done += operations
        }
        return Double(done) / seconds(clock.now - start)
    }

    /// Mean seconds per run of `body`, after one warm-up run.
    static func seconds(rounds: Int, _ body: () async throws -> Void) async throws -> Double {
        try await body()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<rounds { try await body() }
        return seconds(clock.now - start) / Double(rounds)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
