import Foundation
import PalisadeABCI
import PalisadeApps

/// `palisade-bench kvsnapshot`: the app's share of state sync for a large kvstore. A SQLite
/// kvstore is filled to N keys of 250-byte transactions; the Commit that starts its snapshot and
/// the background write are timed, then the snapshot is restored chunk by chunk into a fresh SQLite kvstore (OfferSnapshot,
/// LoadSnapshotChunk, ApplySnapshotChunk: what state sync does, minus the network) and the
/// restored app hash compared. `PALISADE_BENCH_SNAPSHOT_KEYS` sets N (default 1,000,000).
enum KVSnapshotBenchmark {
    static func run() {
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await measure() } catch { printError("kvsnapshot benchmark failed: \(error)\n") }
            done.signal()
        }
        done.wait()
    }

    static var keys: Int {
        ProcessInfo.processInfo.environment["PALISADE_BENCH_SNAPSHOT_KEYS"].flatMap { Int($0) } ?? 1_000_000
    }

    static func measure() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-snap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try await KVStoreApplication.open(databasePath: directory.appendingPathComponent("source.db").path)
        var height: Int64 = 0
        func block(_ txs: [Bytes]) async throws -> Double {
            height += 1
            _ = try await source.finalizeBlock(FinalizeBlockRequest(
                txs: txs, hash: Bytes(repeating: 1, count: 32), height: height,
                time: Timestamp(seconds: 1_700_000_000 + height, nanos: 0), nextValidatorsHash: Bytes(repeating: 2, count: 32),
                proposerAddress: Address(bytes: Bytes(repeating: 3, count: 20))))
            let start = ContinuousClock.now
            _ = try await source.commit()
            return ABCIBenchmark.seconds(ContinuousClock.now - start)
        }
        var filled = 0
        while filled < keys {
            let count = min(KVStoreBenchmark.fillBlockTxs, keys - filled)
            _ = try await block((filled..<(filled + count)).map { KVStoreBenchmark.tx("fill", $0) })
            filled += count
        }
        let plain = try await block([KVStoreBenchmark.tx("plain", 0)])
        await source.enableSnapshots(directory: KVSnapshotDirectory(path: directory.appendingPathComponent("snapshots").path),
                                     interval: height + 1)
        let withSnapshot = try await block([KVStoreBenchmark.tx("snap", 0)])
        let writeStart = ContinuousClock.now
        await source.waitForSnapshot()
        let written = ABCIBenchmark.seconds(ContinuousClock.now - writeStart)
        guard let snapshot = try await source.listSnapshots().last else {
            printError("no snapshot was taken: \(await source.snapshotFailure ?? "?")\n")
            return
        }
        let appHash = await source.appHash
        var bytes = 0
        let target = try await KVStoreApplication.open(databasePath: directory.appendingPathComponent("target.db").path)
        let restoreStart = ContinuousClock.now
        guard try await target.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) == .accept else {
            printError("snapshot refused\n")
            return
        }
        for index in 0..<snapshot.chunks {
            let chunk = try await source.loadSnapshotChunk(LoadSnapshotChunkRequest(height: snapshot.height, format: 1, chunk: index))
            bytes += chunk.count
            let answer = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: index, chunk: chunk, sender: "bench"))
            guard answer.result == .accept else {
                printError("chunk \(index): \(answer.result)\n")
                return
            }
        }
        let restore = ABCIBenchmark.seconds(ContinuousClock.now - restoreStart)
        let same = await target.appHash == appHash
        BenchmarkHarness.report("\(BenchmarkHarness.format(Double(keys))) keys, snapshot",
                                "\(BenchmarkHarness.duration(withSnapshot - plain)) added to its Commit, written in the "
                                    + "background in \(BenchmarkHarness.duration(written)) more, \(snapshot.chunks) chunks, "
                                    + "\(BenchmarkHarness.format(Double(bytes) / 1_048_576, decimals: 1)) MiB")
        BenchmarkHarness.report("\(BenchmarkHarness.format(Double(keys))) keys, restore",
                                "\(BenchmarkHarness.duration(restore)) for all chunks into an empty SQLite kvstore "
                                    + "(\(BenchmarkHarness.format(Double(bytes) / 1_048_576 / max(restore, 1e-9), decimals: 1)) MiB/s); "
                                    + "app hash \(same ? "matches" : "DIFFERS")")
    }
}
