import Foundation
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

/// Block sync at heights with vote extensions (CometBFT v0.38's `BlockResponse.ext_commit`): the
/// server sends each such height's extended commit with its block, the receiver verifies it and
/// stores it, so a validator that block-synced the last height hands its extensions to
/// PrepareProposal when it proposes next.
@Suite("Block sync: extended commits at heights with vote extensions")
struct BlockSyncVoteExtensionTests {
    @Test("chunk 0 carries the extended commit and its plain commit; one above 2 MiB is neither sent nor accepted")
    func wire() throws {
        let (block, commit) = try SyncFixture.block(height: 9, bytes: 1_500_000)
        let signed = VoteExtension(data: Array("kvstore:9".utf8), signature: Array(repeating: 3, count: 64))
        let extended = try #require(ExtendedCommit(commit: commit, extensions: [signed]))
        let chunks = try #require(BlockSyncMessage.chunks(of: block, commit: commit, extended: extended))
        #expect(chunks.count == 2)
        for message in chunks {
            let bytes = message.encoded()
            #expect(bytes.count < 4 << 20)
            #expect(try BlockSyncMessage(decoding: bytes) == message)
        }
        guard case let .chunk(_, _, _, _, commitBytes, extendedBytes) = chunks[0],
              case let .chunk(_, _, _, _, _, none) = chunks[1] else {
            Issue.record("not chunks")
            return
        }
        #expect(try ExtendedCommit(protobuf: extendedBytes) == extended)
        #expect(try Commit(protobuf: commitBytes) == extended.commit)
        #expect(none.isEmpty)

        var pool = BlockSyncPool(next: 9)
        _ = pool.plan(peers: ["a": 10], now: 0)
        for case let .chunk(height, index, total, data, commitBytes, extendedBytes) in chunks {
            _ = pool.receive(height: height, index: index, total: total, data: data, commit: commitBytes,
                             extendedCommit: extendedBytes, from: "a")
        }
        #expect(pool.nextReady()?.extendedCommit == extended)

        // A message from a peer without the field decodes with none.
        let old = BlockSyncMessage.chunk(height: 9, index: 0, total: 1, data: [1], commit: commit.protobuf,
                                         extendedCommit: [])
        guard case let .chunk(_, _, _, _, _, absent) = try BlockSyncMessage(decoding: old.encoded()) else {
            Issue.record("not a chunk")
            return
        }
        #expect(absent.isEmpty)

        // Extensions past the limit: the server cannot send them, the receiver refuses them.
        let huge = VoteExtension(data: Array(repeating: 1, count: BlockSyncMessage.maxExtendedCommitBytes),
                                 signature: Array(repeating: 3, count: 64))
        let tooBig = try #require(ExtendedCommit(commit: commit, extensions: [huge]))
        #expect(BlockSyncMessage.chunks(of: block, commit: commit, extended: tooBig) == nil)
        var refusing = BlockSyncPool(next: 9)
        _ = refusing.plan(peers: ["a": 10], now: 0)
        let outcome = refusing.receive(height: 9, index: 0, total: 2, data: [], commit: commit.protobuf,
                                       extendedCommit: tooBig.protobuf, from: "a")
        guard case .invalid = outcome else {
            Issue.record("an oversized extended commit was accepted: \(outcome)")
            return
        }
    }

    /// node0 serves extended commits with one extension signature altered (the vote signatures
    /// untouched): node3 disconnects it and syncs from the other two, storing true extensions.
    @Test("a block-sync response with a forged extension signature is refused and its peer dropped")
    func forgedExtensionSignature() async throws {
        let cluster = try InProcessCluster(validators: 4, voteExtensionsFrom: 2)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        await cluster.crash(3)
        let ahead = cluster.members[0].store.latestHeight + 8
        #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
        cluster.network.tamper.withLock {
            $0["node0"] = { channel, bytes in
                guard channel == NodeChannel.blockSync,
                      case let .chunk(height, index, total, data, commit, extendedBytes)? =
                        try? BlockSyncMessage(decoding: bytes),
                      var extended = try? ExtendedCommit(protobuf: extendedBytes),
                      let first = extended.commit.signatures.firstIndex(where: { $0.blockIDFlag == .commit })
                else { return bytes }
                extended.extensions[first].signature[0] ^= 0xFF
                return BlockSyncMessage.chunk(height: height, index: index, total: total, data: data, commit: commit,
                                              extendedCommit: extended.protobuf).encoded()
            }
        }
        try await cluster.start(3)
        let reached = await cluster.waitForHeight(ahead + 2)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")
        let dropped = cluster.network.disconnects.withLock { $0 }
        #expect(dropped.contains { $0.hasPrefix("node3->node0") && $0.contains("extension signature") }, "\(dropped)")
        #expect(!dropped.contains { $0.hasPrefix("node3->node1") || $0.hasPrefix("node3->node2") }, "\(dropped)")
        let stored = try #require(try cluster.members[3].store.extendedCommit(at: ahead))
        #expect(stored.extensions.contains { $0.data == KVStoreApplication.voteExtension(at: ahead) })
        try cluster.expectOneHashPerHeight()
        cluster.removeFiles()
    }

    /// node3 is down while the others commit; then only node2 stays up (nothing more can be
    /// decided), at a height whose successor node3 proposes in round 0. node3 block-syncs to it
    /// from node2 and, entering the next height, proposes with nothing but the block-synced
    /// extended commit to show PrepareProposal.
    @Test("a validator that block-synced the last height shows PrepareProposal its extensions")
    func proposerAfterSync() async throws {
        let cluster = try InProcessCluster(validators: 4, voteExtensionsFrom: 2)
        let recorders = cluster.members.map { ExtensionRecorder(inner: $0.app) }
        for index in cluster.members.indices { cluster.members[index].wrapped = recorders[index] }
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        await cluster.crash(3)
        var ahead = cluster.members[0].store.latestHeight + 4
        let node3 = cluster.members[3].key.publicKey.address
        var synced: Int64 = 0
        for _ in 0..<12 {
            #expect(await cluster.waitForHeight(ahead, members: [0, 1, 2]))
            await cluster.crash(0)
            await cluster.crash(1)
            // node2 may still decide the height it had +2/3 precommits for; none after it.
            try await Task.sleep(for: .seconds(1))
            let state = try #require(try cluster.members[2].store.latestState())
            if state.validators.proposer?.address == node3 {
                synced = state.lastBlockHeight
                break
            }
            try await cluster.start(0)
            try await cluster.start(1)
            ahead = state.lastBlockHeight + 1
        }
        try #require(synced > 0, "node3 was never the next proposer")
        try await cluster.start(3)
        #expect(await cluster.waitForHeight(synced, members: [3]))
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, recorders[3].proposals.withLock({ $0[synced + 1] }) == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        await cluster.stopAll(removeFiles: false)
        let seen = recorders[3].proposals.withLock { $0 }
        let heights = cluster.members.map { $0.store.latestHeight }
        let info = try #require(seen[synced + 1], "node3 proposed \(seen.keys.sorted()), synced to \(synced): \(heights)")
        let committed = info.votes.filter { $0.blockIDFlag == .commit }
        #expect(committed.count >= 3)
        for vote in committed {
            #expect(vote.voteExtension == KVStoreApplication.voteExtension(at: synced), "\(vote.address)")
            #expect(!vote.extensionSignature.isEmpty)
        }
        cluster.removeFiles()
    }
}
