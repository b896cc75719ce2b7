// palisade-bench: micro-benchmarks, meant for release builds (`Scripts/bench-*` run them).
// Usage: palisade-bench <benchmark>, or `palisade-bench load ...` (a load generator, LoadRun.swift).
// Each benchmark lives in its own file and adds one line to
// `benchmarks` below; all of them share the timing rules in `BenchmarkHarness.swift`.

import Foundation

/// Name, one-line summary, entry point.
let benchmarks: [(name: String, summary: String, run: () -> Void)] = [
    ("crypto", "Ed25519 sign/verify, SHA-256, vote sign bytes, merkle root and proofs", CryptoBenchmark.run),
    ("blockstore", "block store: saves per second of a 100 × 250 B-tx height, reads back", BlockStoreBenchmark.run),
    ("simulator", "deterministic simulator: simulated heights per second, 4 and 100 validators", SimulatorBenchmark.run),
    ("abci", "ABCI socket vs in process (kvstore): pipelined CheckTx/s, FinalizeBlock of 10,000 txs", ABCIBenchmark.run),
    ("adversary", "one hostile peer's attack on a node for a while (ADVERSARY_* settings; Scripts/bench-adversary)",
     AdversaryBenchmark.run),
    ("kvstore", "kvstore on SQLite: FinalizeBlock+Commit of 1,000 × 250 B txs at 10k, 100k, 1M keys", KVStoreBenchmark.run),
    ("fsync", "the fsync floor: 200 B append + fdatasync in FSYNC_DIR (default run), median and p99", FsyncBenchmark.run),
    ("kvsnapshot", "kvstore state-sync snapshot of 1M keys: time to take it, time to restore it chunk by chunk", KVSnapshotBenchmark.run),
]

@MainActor func usage() -> String {
    var text = "usage: palisade-bench <benchmark>\n\nbenchmarks:\n"
    for benchmark in benchmarks {
        text += "  " + benchmark.name.padding(toLength: 12, withPad: " ", startingAt: 0) + benchmark.summary + "\n"
    }
    text += "  load        drive a running network from outside (palisade-bench load --help; Scripts/bench-throughput)\n"
    return text
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "load" {
    exit(LoadRun.main(Array(arguments.dropFirst())))
} else if arguments.count == 1, let benchmark = benchmarks.first(where: { $0.name == arguments[0] }) {
    benchmark.run()
} else if arguments == ["-h"] || arguments == ["--help"] || arguments == ["help"] {
    print(usage(), terminator: "")
} else {
    printError(usage())
    exit(2)
}
