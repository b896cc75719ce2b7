import Foundation
import GRDB
@testable import PalisadeStorage
import Testing

/// Real processes, real `kill -9`: `palisade debug-blockstore-loop` saves heights to a block store
/// and prints each one after `save` returns; the test kills it at seeded random moments and
/// reopens the file each time (ARCHITECTURE §5 rule 3). After every kill: the file opens, every stored
/// height has its block, seen commit, FinalizeBlock response and validators, every height but the
/// last has its canonical commit, the state is the one after the latest block, and no height the
/// child printed as saved is missing.
///
/// SIGKILL leaves the page cache intact, so this checks the transaction's atomicity at every point
/// of the loop (inside SQLite's writes and fsyncs too); durability against power loss rests on
/// `synchronous = FULL`, which `BlockStoreTests.opensInWALModeWithFullSync` checks.
@Suite("Crash loop: palisade debug-blockstore-loop killed and reopened")
struct BlockStoreCrashLoopTests {
    static let kills = 24

    @Test(.enabled(if: CrashLoopTests.binary != nil,
                   "the palisade binary is not next to the test bundle: run `swift build --build-tests` first"))
    func killedAtRandomMomentsKeepsWholeHeights() throws {
        let binary = try #require(CrashLoopTests.binary)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("blockstore.db")
        var generator = SplitMix64(seed: 0xB10C_5702)
        var printedMax: Int64 = 0
        var checkedUpTo: Int64 = 0

        for run in 0..<Self.kills {
            let waitForLines = Int.random(in: 0...3, using: &generator)
            let delayMicros = UInt32.random(in: 0..<15_000, using: &generator)
            let child = try ChildProcess(binary, ["debug-blockstore-loop", "--db", path])
            defer { child.killAndWait() }
            var output = child.readLines(atLeast: waitForLines)
            usleep(delayMicros)
            child.killAndWait()
            output += child.remainingLines()
            let stderr = child.standardError()
            #expect(child.wasKilled, "run \(run): exited by itself (status \(child.status)): \(stderr)")
            for line in output {
                let fields = line.split(separator: " ")
                let height = try #require(fields.count == 2 && fields[0] == "saved" ? Int64(fields[1]) : nil,
                                          "run \(run): bad line \(line)")
                printedMax = max(printedMax, height)
            }
            checkedUpTo = try Self.check(path, printed: printedMax, from: checkedUpTo + 1, run: run)
        }

        // It still resumes and exits cleanly, continuing the same chain.
        let final = try ChildProcess(binary, ["debug-blockstore-loop", "--db", path, "--max-heights", "3"])
        defer { final.killAndWait() }
        let lines = final.readLines(atLeast: Int.max)
        final.wait()
        #expect(final.status == 0, "final run: \(final.standardError())")
        #expect(lines == (1...3).map { "saved \(checkedUpTo + Int64($0))" })
        _ = try Self.check(path, printed: checkedUpTo + 3, from: checkedUpTo + 1, run: Self.kills)
        #expect(printedMax > Int64(Self.kills) / 2, "the loop made progress across restarts")
        print("block store crash loop: \(Self.kills) kills, \(checkedUpTo) heights stored, highest printed \(printedMax)")
    }

    /// Checks the whole file by row counts and the heights from `from` on one by one; returns the
    /// latest height.
    static func check(_ path: String, printed: Int64, from: Int64, run: Int) throws -> Int64 {
        let store = try BlockStore(path: path)
        let latest = try store.latestHeight()
        #expect(latest >= printed, "run \(run): height \(printed) was reported saved, the store ends at \(latest)")
        // Killed before the initial state was saved: an empty store, which the next run initialises.
        guard let state = try store.latestState() else {
            #expect(latest == 0, "run \(run): blocks up to \(latest) but no state")
            return 0
        }
        #expect(state.lastBlockHeight == latest, "run \(run): state is after \(state.lastBlockHeight), blocks end at \(latest)")
        if latest > 0 { #expect(state.lastBlockID == (try store.blockID(at: latest))) }

        let counts = try store.pool.read { db in
            try ["blocks", "seen_commits", "finalize_block_responses", "canonical_commits"].map { table in
                try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
            }
        }
        #expect(counts == [latest, latest, latest, max(latest - 1, 0)], "run \(run): rows per table \(counts)")
        #expect(try store.baseHeight() == (latest > 0 ? 1 : 0))

        for height in max(from - 1, 1)...max(latest, 1) where latest > 0 {
            let block = try #require(try store.block(at: height), "run \(run): no block \(height)")
            #expect(try store.seenCommit(at: height)?.blockID == block.blockID, "run \(run): seen commit \(height)")
            #expect(try store.commit(at: height)?.isCanonical == (height < latest), "run \(run): commit \(height)")
            #expect(try store.finalizeBlockResponse(at: height)?.txResults.count == block.data.txs.count)
            #expect(try store.validators(at: height) != nil, "run \(run): validators \(height)")
        }
        return latest
    }
}
