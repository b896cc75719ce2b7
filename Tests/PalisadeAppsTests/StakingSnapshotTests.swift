import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

/// The staking app's state-sync snapshots: taken every N heights, the last K kept, served in
/// chunks, restored into a fresh app to the same app hash and the same query answers; corrupt
/// chunks and snapshots that do not reach the verified app hash refused.
@Suite struct StakingSnapshotTests {
    typealias C = StakingChain

    /// A staking chain with snapshots every 5 heights (the latest 2 kept), run to `heights`:
    /// a transfer from bob every height, a validator bonded by alice at height 3, validator2
    /// jailed at height 7 for double-signing (until height 10, so still jailed at 10).
    static func source(_ directory: TemporaryDirectory, heights: Int64 = 10,
                       app: StakingApplication = StakingApplication()) async throws -> StakingChain {
        await app.enableSnapshots(directory: SnapshotDirectory(path: directory.path("snapshots"), keepRecent: 2), interval: 5)
        let start = await app.committed.height
        var c = start == 0 ? try await C.started(app) : C(app)
        c.height = start
        while c.height < heights {
            var txs = [await c.tx(.transfer(to: C.carol.publicKey.address, amount: 1), by: C.bob)]
            if c.height == 2 { txs.append(await c.tx(.bond(validator: C.validator3.publicKey, amount: 200), by: C.alice)) }
            let misbehavior = c.height == 6 ? [C.doubleSign(C.validator2, height: 6)] : []
            try await c.block(txs, misbehavior: misbehavior)
        }
        await app.waitForSnapshot()
        return c
    }

    /// What a client can ask the app: every account, every validator and the supply.
    static func answers(_ app: StakingApplication) async throws -> [String: Bytes] {
        let state = await app.committed
        let paths = ["/supply"] + state.accounts.keys.map { "/account/\($0)" } + state.validators.keys.map { "/validator/\($0)" }
        var answers: [String: Bytes] = [:]
        for path in paths {
            let response = try await app.query(QueryRequest(path: path))
            #expect(response.code == 0, "\(path): \(response.log)")
            answers[path] = response.value
        }
        return answers
    }

    @Test func takesEveryIntervalAndKeepsTheLatest() async throws {
        let directory = try TemporaryDirectory()
        let c = try await Self.source(directory, heights: 16)
        let snapshots = try await c.app.listSnapshots()
        #expect(snapshots.map(\.height) == [10, 15])
        #expect(snapshots.allSatisfy { $0.format == StakingSnapshotFormat.format && $0.chunks == 1 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("snapshots")).sorted() == ["10", "15"])
        #expect(await c.app.snapshotFailure == nil)
    }

    @Test func restoresIntoAFreshAppWithTheSameAppHashAndAnswers() async throws {
        let directory = try TemporaryDirectory()
        var c = try await Self.source(directory)
        let appHash = await c.app.committed.appHash
        let snapshot = try #require(try await c.app.listSnapshots().last)
        #expect(snapshot.height == 10)

        let target = try await StakingApplication.open(databasePath: directory.path("restored.db"))
        #expect(try await restoreSnapshot(snapshot, appHash: appHash, from: c.app, into: target).result == .accept)
        #expect(await target.committed == c.app.committed)
        let info = try await target.info(InfoRequest())
        #expect(info.lastBlockHeight == 10 && info.lastBlockAppHash == appHash)
        #expect(try await Self.answers(target) == Self.answers(c.app))
        let jailed = try #require(await target.committed.validators[C.validator2.publicKey.address])
        #expect(jailed.jailedUntil == 10 && jailed.power == 0)
        #expect(await target.committed.validators[C.validator3.publicKey.address]?.owner == C.alice.publicKey.address)

        // The restored state is on disk: reopened, the app resumes at the snapshot's height.
        let reopened = try await StakingApplication.open(databasePath: directory.path("restored.db"))
        #expect(await reopened.committed == c.app.committed)

        // And it executes the next block exactly as the source does, signatures (chain id) included.
        var follower = C(target)
        follower.height = 10
        let unjail = await c.tx(.unjail, by: C.carol)
        let transfer = await c.tx(.transfer(to: C.bob.publicKey.address, amount: 7), by: C.alice)
        let theirs = try await c.block([transfer, unjail]), ours = try await follower.block([transfer, unjail])
        #expect(ours.txResults.map(\.code) == [0, 0])
        #expect(theirs.appHash == ours.appHash)
    }

    /// A state large enough for several chunks: each stays within 1 MiB plus one record.
    @Test func aLargeStateSpansSeveralChunksAndRestores() async throws {
        let directory = try TemporaryDirectory()
        let seed = try await C.started()
        var state = await seed.app.committed
        for index in 0..<60_000 {
            var bytes = Bytes(repeating: 0, count: Address.size)
            bytes[0] = UInt8(truncatingIfNeeded: index >> 16)
            bytes[1] = UInt8(truncatingIfNeeded: index >> 8)
            bytes[2] = UInt8(truncatingIfNeeded: index)
            state.accounts[Address(bytes: bytes)] = StakingAccount(balance: Int64(index), nonce: UInt64(index % 7))
        }
        state.height = 4
        let c = try await Self.source(directory, heights: 5, app: StakingApplication(state: state))
        let snapshot = try #require(try await c.app.listSnapshots().last)
        #expect(snapshot.height == 5 && snapshot.chunks >= 2)
        for index in 0..<snapshot.chunks {
            let chunk = try await c.app.loadSnapshotChunk(LoadSnapshotChunkRequest(height: 5, format: 1, chunk: index))
            #expect(chunk.count <= (1 << 20) + 128)
        }
        let target = StakingApplication()
        #expect(try await restoreSnapshot(snapshot, appHash: await c.app.committed.appHash, from: c.app, into: target).result == .accept)
        #expect(await target.committed == c.app.committed)
    }

    @Test func aCorruptChunkIsFetchedAgainFromAnotherPeer() async throws {
        let directory = try TemporaryDirectory()
        let c = try await Self.source(directory)
        let snapshot = try #require(try await c.app.listSnapshots().last)
        let target = StakingApplication()
        let appHash = await c.app.committed.appHash
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) == .accept)
        var chunk = try await c.app.loadSnapshotChunk(LoadSnapshotChunkRequest(height: snapshot.height, format: 1, chunk: 0))
        chunk[chunk.count / 2] ^= 0x01
        let refused = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: chunk, sender: "liar"))
        #expect(refused.result == .retry && refused.refetchChunks == [0] && refused.rejectSenders == ["liar"])
        #expect(await target.committed.height == 0)
        chunk[chunk.count / 2] ^= 0x01
        let taken = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: chunk, sender: "honest"))
        #expect(taken.result == .accept)
        #expect(await target.committed.appHash == appHash)
    }

    /// Chunks that match their own metadata but hold another state than the verified one (a
    /// peer made the snapshot up) are rejected at the end, and the app keeps no height.
    @Test func aSnapshotOfAnotherStateIsRejected() async throws {
        let directory = try TemporaryDirectory()
        let c = try await Self.source(directory)
        let snapshot = try #require(try await c.app.listSnapshots().last)
        let target = StakingApplication()
        let last = try await restoreSnapshot(snapshot, appHash: Bytes(repeating: 0x5A, count: 32), from: c.app, into: target)
        #expect(last.result == .rejectSnapshot)
        #expect(try await target.info(InfoRequest()).lastBlockHeight == 0)
        #expect(try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: [], sender: "")).result == .abort)
    }

    @Test func offersThatCannotBeRestoredAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let c = try await Self.source(directory)
        let snapshot = try #require(try await c.app.listSnapshots().last)
        let appHash = await c.app.committed.appHash
        let target = StakingApplication()
        func offer(_ change: (inout Snapshot) -> Void) async throws -> OfferSnapshotResponse {
            var offered = snapshot
            change(&offered)
            return try await target.offerSnapshot(OfferSnapshotRequest(snapshot: offered, appHash: appHash))
        }
        #expect(try await offer { $0.format = 2 } == .rejectFormat)
        #expect(try await offer { $0.hash[0] ^= 0x01 } == .reject)
        #expect(try await offer { $0.chunks += 1 } == .reject)
        #expect(try await offer {
            $0.metadata.removeLast()
            $0.hash = SHA256Hash.digest($0.metadata)
        } == .reject)
        // An app with blocks of its own does not restore over them.
        #expect(try await c.app.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) == .abort)
    }
}
