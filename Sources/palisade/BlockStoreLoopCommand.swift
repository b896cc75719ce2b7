import ArgumentParser
import Glibc
import PalisadeStorage

/// Hidden test harness: saves heights of a synthetic chain (`BlockStoreWorkload`) to a block store
/// forever, for the crash test that `kill -9`s it at random moments
/// (Tests/PalisadeStorageTests/BlockStoreCrashLoopTests.swift).
///
/// On start it opens the store, saves the initial state if the store is new, and resumes after
/// the latest stored height from the stored state and seen commit, as the node does. It prints
/// `saved H` only after `save` returns, which stands for telling peers and the app that height H
/// is committed: every printed height must survive the kill.
struct DebugBlockStoreLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-blockstore-loop",
        abstract: "Save synthetic heights to a block store forever (crash tests only).",
        shouldDisplay: false
    )

    @Option(help: "The block store file (created if missing).")
    var db: String

    @Option(help: "Transactions per block.")
    var txs: Int = 20

    @Option(help: "Stop after saving this many heights (default: never).")
    var maxHeights: Int?

    func run() throws {
        let store = try BlockStore(path: db)
        var workload: BlockStoreWorkload
        if let state = try store.latestState() {
            let latest = try store.latestHeight()
            workload = try BlockStoreWorkload(resuming: state, lastCommit: latest > 0 ? try store.seenCommit(at: latest) : nil,
                                              txsPerBlock: txs)
        } else {
            workload = try BlockStoreWorkload(txsPerBlock: txs)
            try store.saveInitialState(workload.initialState)
        }
        var saved = 0
        while maxHeights.map({ saved < $0 }) ?? true {
            let height = try workload.next()
            try store.save(height)
            DebugSignLoop.emit("saved \(height.block.header.height)\n", to: STDOUT_FILENO)
            saved += 1
        }
    }
}
