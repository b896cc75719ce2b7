import Foundation
import PalisadeABCI
import PalisadeApps
import PalisadeConsensus
@testable import PalisadeNode
import PalisadeStorage
import PalisadeTypes
import Synchronization
import Testing

@Suite("Consensus driver: recovering a height after a halt or a damaged WAL")
struct RestartRecoveryTests {
    /// As an app written for CometBFT did in the field: every validator's app rejects the block of
    /// height 4 in FinalizeBlock, so every node halts with the decided block in hand. Restarted
    /// with the app fixed, they rebuild the block from their WALs (its parts were synced before
    /// FinalizeBlock), finish height 4 and go on.
    @Test("every app fails in FinalizeBlock at one height; restarted with the app fixed, the nodes finish it")
    func appFailsInFinalizeBlockThenIsFixed() async throws {
        let cluster = try InProcessCluster(validators: 4)
        let faults = (0..<4).map { FinalizeFault(inner: cluster.members[$0].app, failAt: 4) }
        for index in 0..<4 { cluster.members[index].wrapped = faults[index] }
        try await cluster.startAll()
        var halted: [String] = []
        for index in 0..<4 {
            if case .failure(let error)? = await cluster.members[index].task?.result { halted.append("\(error)") }
        }
        #expect(halted.count == 4 && halted.allSatisfy { $0.contains("FinalizeBlock") }, "\(halted)")
        #expect(cluster.members.allSatisfy { $0.store.latestHeight == 3 })
        for index in 0..<4 {
            await cluster.crash(index)
            faults[index].failAt.withLock { $0 = nil }
        }
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(7)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// A log with no end-of-height marker whose inputs are for height 1, while the store has passed
    /// it (as after a crash between storing block 1 and writing its marker, or a log restored from
    /// an old copy): replaying it into a later height would start the core at the wrong height.
    @Test("a WAL without markers holding a height the store passed is closed, not replayed")
    func staleUnmarkedWAL() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(4))
        await cluster.crash(0)
        let path = cluster.members[0].directory + "/cs.wal"
        let old = try ConsensusWAL(path: path)
        let firstHeight = try old.readAll().prefix { if case .endHeight = $0 { false } else { true } }
        old.close()
        try FileManager.default.removeItem(atPath: path)
        let rewritten = try ConsensusWAL(path: path)
        for entry in firstHeight { try rewritten.append(entry) }
        try rewritten.sync()
        rewritten.close()
        #expect(firstHeight.contains { if case .input(.startHeight(let start)) = $0 { start.height == 1 } else { false } })
        try await cluster.start(0)
        let target = cluster.members.map { $0.store.latestHeight }.max() ?? 0
        let reached = await cluster.waitForHeight(target + 3)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }
}

/// A kvstore whose FinalizeBlock throws at one height until the fault is cleared.
final class FinalizeFault: ApplicationWrapper, Sendable {
    let inner: any Application
    let failAt: Mutex<Int64?>

    init(inner: KVStoreApplication, failAt: Int64) {
        self.inner = inner
        self.failAt = Mutex(failAt)
    }

    struct Rejected: Error, CustomStringConvertible {
        var height: Int64
        var description: String { "the app rejects block \(height)" }
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        if failAt.withLock({ $0 }) == request.height { throw Rejected(height: request.height) }
        return try await inner.finalizeBlock(request)
    }
}
