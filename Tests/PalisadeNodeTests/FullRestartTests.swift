import Foundation
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

/// Every validator down at once: the case a single-node crash test never reaches, because then
/// no peer holds the height's messages for the others. Real processes (SIGKILL, SIGTERM) are
/// tested end to end; here the crash falls between two events, at seeded random moments.
@Suite("Consensus driver: every validator restarts at once")
struct FullRestartTests {
    @Test("all four crash together at random moments, some with apps that lost their state; the chain goes on")
    func crashAllRepeatedly() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        var rng = SplitMix(seed: UInt64(ProcessInfo.processInfo.environment["FULL_RESTART_SEED"] ?? "") ?? 11)
        for index in 0..<6 {
            _ = await cluster.mempoolCheck(member: index % 4, tx: "round\(index)=\(rng.next() % 1000)")
            try await Task.sleep(for: .milliseconds(Int(rng.next() % 700)))
            let before = cluster.members.map { $0.store.latestHeight }.max() ?? 0
            for member in cluster.members.indices { await cluster.crash(member, freshApp: rng.next() % 3 == 0) }
            try await cluster.startAll()
            let reached = await cluster.waitForHeight(before + 2)
            #expect(reached, "round \(index): stuck below \(before + 2) at \(cluster.members.map { $0.store.latestHeight })")
            if !reached { break }
        }
        await cluster.stopAll(removeFiles: false)
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// Two of four cannot commit; they are killed after starting, with the kvstore's in-memory
    /// InitChain result lost, and then all four start. The app must be given the genesis again
    /// (it reports height 0), or the restarted nodes' app hashes part from the others' at height 2.
    @Test("validators restarted before the first block commit with the others, same app hashes")
    func restartBeforeFirstBlock() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.start(0)
        try await cluster.start(1)
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(cluster.members.allSatisfy { $0.store.latestHeight == 0 })
        await cluster.crash(0, freshApp: true)
        await cluster.crash(1, freshApp: true)
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(4)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        try cluster.expectOneHashPerHeight()
        let hashes = try cluster.members.map { try $0.store.block(at: 3)?.header.appHash }
        #expect(hashes.allSatisfy { $0 != nil && $0 == hashes[0] })
        cluster.removeFiles()
    }
}

/// A small deterministic generator: the crash moments are reproducible from the seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension InProcessCluster {
    func mempoolCheck(member: Int, tx: String) async -> Bool {
        await members[member].mempool?.checkTx(Array(tx.utf8)).isAccepted ?? false
    }

    /// Every height stored by all members has one block ID.
    func expectOneHashPerHeight() throws {
        let common = members.map { $0.store.latestHeight }.min() ?? 0
        guard common > 0 else { return }
        for height in Int64(1)...common {
            let ids = try members.map { try $0.store.block(at: height)?.blockID }
            #expect(ids.allSatisfy { $0 != nil && $0 == ids[0] }, "height \(height)")
        }
    }

    func removeFiles() { try? FileManager.default.removeItem(atPath: root) }
}
