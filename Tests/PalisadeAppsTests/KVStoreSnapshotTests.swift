import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

/// The kvstore's state-sync snapshots: taken every N heights, the last K kept, served in chunks,
/// restored into an empty app (SQLite and in memory) to the same app hash; corrupt chunks and
/// snapshots that do not reach the verified app hash refused.
@Suite struct KVStoreSnapshotTests {
    /// A kvstore with snapshots every 5 heights, run to `heights` with `pairsPerBlock` pairs of
    /// `valueBytes` each per height.
    static func source(_ directory: TemporaryDirectory, heights: Int64 = 12, pairsPerBlock: Int = 40,
                       valueBytes: Int = 100) async throws -> Driver {
        let app = KVStoreApplication()
        await app.enableSnapshots(directory: KVSnapshotDirectory(path: directory.path("snapshots"), keepRecent: 2), interval: 5)
        _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: "snap", validators: [
            ValidatorUpdate(publicKey: Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))!.publicKey, power: 10),
        ]))
        var driver = Driver(app)
        let filler = String(repeating: "v", count: valueBytes)
        for h in 1...heights {
            try await driver.block((0..<pairsPerBlock).map { "key-\(h)-\($0)=\(filler)\($0)" })
        }
        await app.waitForSnapshot()
        return driver
    }

    @Test func takesEveryIntervalAndKeepsTheLatest() async throws {
        let directory = try TemporaryDirectory()
        let driver = try await Self.source(directory)
        let snapshots = try await driver.app.listSnapshots()
        #expect(snapshots.map(\.height) == [5, 10])
        #expect(snapshots.allSatisfy { $0.format == 1 && $0.chunks >= 1 })
        #expect(await driver.app.snapshotFailure == nil)
    }

    @Test func restoresIntoAnEmptySQLiteStoreWithTheSameAppHash() async throws {
        let directory = try TemporaryDirectory()
        // 200 pairs of ~2 KiB a height: the height-10 snapshot spans several 1 MiB chunks.
        var driver = try await Self.source(directory, heights: 10, pairsPerBlock: 200, valueBytes: 2_000)
        let appHash = await driver.app.appHash
        let snapshot = try #require(try await driver.app.listSnapshots().last)
        #expect(snapshot.height == 10 && snapshot.chunks > 2)

        let target = try await KVStoreApplication.restore(from: SQLiteKVStateStore(path: directory.path("restored.db")))
        let last = try await restoreSnapshot(snapshot, appHash: appHash, from: driver.app, into: target)
        #expect(last.result == .accept)
        #expect(await target.appHash == appHash)
        let info = try await target.info(InfoRequest())
        #expect(info.lastBlockHeight == 10 && info.lastBlockAppHash == appHash)
        #expect(try await target.value(forKey: Array("key-3-7".utf8)) != nil)
        #expect(await target.validators == driver.app.validators)

        // The restored app goes on executing blocks exactly as the source does.
        var follower = Driver(target)
        follower.height = 10
        let theirs = try await driver.block(["after=1"]), ours = try await follower.block(["after=1"])
        #expect(theirs.appHash == ours.appHash)
    }

    @Test func aCorruptChunkIsFetchedAgainFromAnotherPeer() async throws {
        let directory = try TemporaryDirectory()
        // Run to the snapshot's height, so the app hash offered is the snapshot's own.
        let driver = try await Self.source(directory, heights: 10)
        let snapshot = try #require(try await driver.app.listSnapshots().last)
        let target = KVStoreApplication()
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: await driver.app.appHash)) == .accept)
        var chunk = try await driver.app.loadSnapshotChunk(LoadSnapshotChunkRequest(height: snapshot.height, format: 1, chunk: 0))
        chunk[chunk.count / 2] ^= 0x01
        let refused = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: chunk, sender: "liar"))
        #expect(refused.result == .retry && refused.refetchChunks == [0] && refused.rejectSenders == ["liar"])
        // The honest peer's chunk is then taken.
        chunk[chunk.count / 2] ^= 0x01
        let taken = try await target.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: chunk, sender: "honest"))
        #expect(taken.result == .accept)
    }

    /// A snapshot whose chunks are consistent with its own metadata but whose state is not the
    /// verified one (a peer made it up) is rejected at the end and the store emptied.
    @Test func aSnapshotOfAnotherStateIsRejected() async throws {
        let directory = try TemporaryDirectory()
        let driver = try await Self.source(directory)
        let snapshot = try #require(try await driver.app.listSnapshots().last)
        let target = KVStoreApplication()
        let wrongHash = Bytes(repeating: 0x5A, count: 32)
        let last = try await restoreSnapshot(snapshot, appHash: wrongHash, from: driver.app, into: target)
        #expect(last.result == .rejectSnapshot)
        let info = try await target.info(InfoRequest())
        #expect(info.lastBlockHeight == 0)
        #expect(try await target.value(forKey: Array("key-3-7".utf8)) == nil)
    }

    @Test func offersThatCannotBeRestoredAreRefused() async throws {
        let directory = try TemporaryDirectory()
        let driver = try await Self.source(directory)
        let snapshot = try #require(try await driver.app.listSnapshots().last)
        let appHash = await driver.app.appHash
        let target = KVStoreApplication()
        var otherFormat = snapshot
        otherFormat.format = 2
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: otherFormat, appHash: appHash)) == .rejectFormat)
        var badHash = snapshot
        badHash.hash[0] ^= 0x01
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: badHash, appHash: appHash)) == .reject)
        var badCount = snapshot
        badCount.chunks += 1
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: badCount, appHash: appHash)) == .reject)
        // An app with a state of its own does not restore over it.
        #expect(try await driver.app.offerSnapshot(OfferSnapshotRequest(snapshot: snapshot, appHash: appHash)) == .abort)
    }

    @Test func metadataRoundTripsAndRefusesTruncation() async throws {
        let directory = try TemporaryDirectory()
        let driver = try await Self.source(directory)
        let snapshot = try #require(try await driver.app.listSnapshots().last)
        let target = KVStoreApplication()
        var truncated = snapshot
        truncated.metadata.removeLast()
        truncated.hash = SHA256Hash.digest(truncated.metadata)
        #expect(try await target.offerSnapshot(OfferSnapshotRequest(snapshot: truncated, appHash: await driver.app.appHash)) == .reject)
    }

    /// The view a snapshot is written from keeps the state of its height while later blocks
    /// commit to the same SQLite file: the snapshot is one height's state, not a mix.
    @Test func aReadViewKeepsItsHeightWhileLaterBlocksCommit() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteKVStateStore(path: directory.path("kv.db"))
        var driver = Driver(try await KVStoreApplication.restore(from: store))
        try await driver.block(["a=1", "b=2"])
        let view = try store.readView()
        defer { view.close() }
        try await driver.block(["c=3", "a=changed"])
        let seen = try view.pairs(after: nil, limit: 10)
        #expect(seen.map { String(decoding: $0.key, as: UTF8.self) } == ["a", "b"])
        #expect(seen.first.map { String(decoding: $0.value, as: UTF8.self) } == "1")
        #expect(try store.pairs(after: nil, limit: 10).count == 3)
    }
}
