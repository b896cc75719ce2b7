import Foundation
import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes

/// The block store's cost per committed height: one SQLite transaction (WAL, synchronous = FULL)
/// holding a block of 100 × 250-byte transactions, its commits, the FinalizeBlock response, the
/// state and the validator sets and parameters; then reading blocks back as RPC does. Compare a
/// save with ARCHITECTURE §6a's floor of 200–240 µs for one SQLite commit.
enum BlockStoreBenchmark {
    static let heights = 1500
    static let warmUp = 100

    static func run() {
        print("palisade-bench blockstore: one thread, WAL + synchronous=FULL, 4 validators, 100 × 250 B txs per block")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("palisade-bench-blockstore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try measure(path: directory.appendingPathComponent("blockstore.db").path)
        } catch {
            printError("palisade-bench blockstore: \(error)\n")
            exit(1)
        }
    }

    private static func measure(path: String) throws {
        let store = try BlockStore(path: path)
        var workload = try BlockStoreWorkload(validators: 4, txsPerBlock: 100, txSize: 250)
        try store.saveInitialState(workload.initialState)
        // Built first, so the figures are the store's alone.
        let built = try (0..<heights).map { _ in try workload.next() }
        for height in built.prefix(warmUp) { try store.save(height) }

        let clock = ContinuousClock()
        var each: [Double] = []
        each.reserveCapacity(heights - warmUp)
        let start = clock.now
        for height in built.dropFirst(warmUp) {
            let before = clock.now
            try store.save(height)
            each.append(seconds(clock.now - before))
        }
        let total = seconds(clock.now - start)
        each.sort()
        BenchmarkHarness.report("save one height", BenchmarkHarness.format(Double(each.count) / total)
            + " /s (mean " + BenchmarkHarness.duration(total / Double(each.count)) + ", median "
            + BenchmarkHarness.duration(each[each.count / 2]) + ", p99 " + BenchmarkHarness.duration(each[each.count * 99 / 100])
            + ")")
        BenchmarkHarness.report("  block size", "\(built[0].block.protobuf.count) B of protobuf, \(heights) heights, "
            + BenchmarkHarness.format(Double(fileSize(path) + fileSize(path + "-wal")) / 1e6, decimals: 1) + " MB on disk")

        // The CPU part of a save, without SQLite: what the block store encodes and hashes.
        var next = 0
        let encode = BenchmarkHarness.measure {
            let height = built[next % built.count]
            next += 1
            let bytes = height.block.protobuf.count + ChainStateCodec.encode(height.state).count
                + height.seenCommit.protobuf.count + height.block.header.hash().count
                + height.block.data.txs.reduce(0) { $0 + SHA256Hash.digest($1).count }
            return UInt8(truncatingIfNeeded: bytes)
        }
        BenchmarkHarness.report("  of which encoding (no SQLite)", BenchmarkHarness.duration(encode.secondsEach) + " each")

        var generator = SplitMix64(seed: 0xB10C)
        let stored = Int64(heights)
        let block = BenchmarkHarness.measure(batch: 10) {
            (try? store.block(at: Int64.random(in: 1...stored, using: &generator)))?.header.appHash.first ?? 0
        }
        BenchmarkHarness.report("block(at:) (decode + validateBasic)", rate(block))
        let meta = BenchmarkHarness.measure(batch: 10) {
            (try? store.blockMeta(at: Int64.random(in: 1...stored, using: &generator)))?.header.appHash.first ?? 0
        }
        BenchmarkHarness.report("blockMeta(at:)", rate(meta))
        let commit = BenchmarkHarness.measure(batch: 10) {
            UInt8(truncatingIfNeeded: (try? store.commit(at: Int64.random(in: 1...stored, using: &generator)))?
                .commit.signatures.count ?? 0)
        }
        BenchmarkHarness.report("commit(at:)", rate(commit))
        let txHashes = built.prefix(50).flatMap(\.block.data.txs).map { SHA256Hash.digest($0) }
        let lookup = BenchmarkHarness.measure(batch: 10) {
            let hash = txHashes[Int.random(in: 0..<txHashes.count, using: &generator)]
            return (try? store.txLocation(hash: hash)).flatMap { $0.map { UInt8(truncatingIfNeeded: $0.index) } } ?? 0
        }
        BenchmarkHarness.report("txLocation(hash:)", rate(lookup))
        if BenchmarkHarness.sink == 0x5a { print("") }  // keeps the sink observable
    }

    private static func rate(_ result: BenchmarkHarness.Result) -> String {
        BenchmarkHarness.format(result.perSecond) + " /s (" + BenchmarkHarness.duration(result.secondsEach) + " each)"
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
