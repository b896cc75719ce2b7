import Foundation
import PalisadeABCI
import PalisadeApps

/// `palisade-bench kvstore`: what a block costs the kvstore as its state grows. For each state
/// size, a SQLite-backed kvstore is filled to that many keys, then blocks of 1,000 new 250-byte
/// `key=value` transactions are run through FinalizeBlock (execution and tree update) and Commit
/// (one SQLite transaction, fsynced). With the sparse Merkle tree both should stay flat as the
/// state grows tenfold: only the log n depth of the changed paths grows. The measured blocks span
/// one prune interval of the store, so the mean includes one batch prune of stale nodes (the
/// max is that block).
/// `PALISADE_BENCH_KV_SIZES=10000,100000` picks other sizes.
enum KVStoreBenchmark {
    static let blockTxs = 1_000
    static let txBytes = 250
    static let fillBlockTxs = 20_000
    static let measuredBlocks = Int(SQLiteKVStateStore.defaultPruneInterval)

    static func run() {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await measure()
            } catch {
                printError("kvstore benchmark failed: \(error)\n")
            }
            done.signal()
        }
        done.wait()
    }

    static var sizes: [Int] {
        let configured = ProcessInfo.processInfo.environment["PALISADE_BENCH_KV_SIZES"]?
            .split(separator: ",").compactMap { Int($0) } ?? []
        return configured.isEmpty ? [10_000, 100_000, 1_000_000] : configured
    }

    /// `key=value`, exactly `txBytes` long; keys are unique per (tag, index).
    static func tx(_ tag: String, _ index: Int) -> Bytes {
        let head = Array("\(tag)-\(index)=".utf8)
        return head + Bytes(repeating: UInt8(ascii: "v"), count: max(1, txBytes - head.count))
    }

    static func measure() async throws {
        print("kvstore: FinalizeBlock + Commit of \(blockTxs) × \(txBytes) B new-key txs, SQLite store (release build recommended)")
        for size in sizes {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-bench-kv-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let app = try await KVStoreApplication.open(databasePath: directory.appendingPathComponent("kv.db").path)
            var height: Int64 = 0
            func block(_ txs: [Bytes]) async throws -> (finalize: Double, commit: Double) {
                height += 1
                let request = FinalizeBlockRequest(txs: txs, hash: Bytes(repeating: 1, count: 32), height: height,
                                                   time: Timestamp(seconds: 1_700_000_000 + height, nanos: 0),
                                                   nextValidatorsHash: Bytes(repeating: 2, count: 32),
                                                   proposerAddress: Address(bytes: Bytes(repeating: 3, count: 20)))
                let clock = ContinuousClock()
                let start = clock.now
                _ = try await app.finalizeBlock(request)
                let finalized = clock.now
                _ = try await app.commit()
                return (ABCIBenchmark.seconds(finalized - start), ABCIBenchmark.seconds(clock.now - finalized))
            }
            let fillStart = ContinuousClock.now
            var filled = 0
            while filled < size {
                let count = min(fillBlockTxs, size - filled)
                _ = try await block((filled..<(filled + count)).map { tx("fill", $0) })
                filled += count
            }
            let fillSeconds = ABCIBenchmark.seconds(ContinuousClock.now - fillStart)
            _ = try await block((0..<blockTxs).map { tx("warm", $0) })
            var finalize: [Double] = []
            var commit: [Double] = []
            for round in 0..<measuredBlocks {
                let times = try await block((0..<blockTxs).map { tx("b\(round)", $0) })
                finalize.append(times.finalize)
                commit.append(times.commit)
            }
            let total = zip(finalize, commit).map { $0 + $1 }
            let mean = total.reduce(0, +) / Double(total.count)
            BenchmarkHarness.report(
                "state \(BenchmarkHarness.format(Double(size))) keys",
                "\(BenchmarkHarness.duration(mean)) per block (finalize \(BenchmarkHarness.duration(average(finalize)))"
                    + ", commit \(BenchmarkHarness.duration(average(commit)))"
                    + "; min \(BenchmarkHarness.duration(total.min() ?? 0)), max \(BenchmarkHarness.duration(total.max() ?? 0)))"
                    + "  [fill \(BenchmarkHarness.format(fillSeconds, decimals: 1)) s]")
        }
    }

    static func average(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }
}
