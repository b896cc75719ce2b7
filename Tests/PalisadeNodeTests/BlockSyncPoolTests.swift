import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Block sync pool: what to ask whom, and what came back")
struct BlockSyncPoolTests {
    @Test("requests spread over the peers that hold each height, within the window and per-peer limit")
    func planning() {
        var limits = BlockSyncPool.Limits()
        limits.window = 10
        limits.perPeer = 3
        var pool = BlockSyncPool(next: 5, limits: limits)
        let planned = pool.plan(peers: ["a": 100, "b": 100, "c": 6], now: 0)
        #expect(planned.map(\.height) == [5, 6, 7, 8, 9, 10, 11])
        #expect(planned.filter { $0.peer == "c" }.allSatisfy { $0.height <= 6 })
        #expect(Set(planned.map(\.peer)) == ["a", "b", "c"], "\(planned)")
        #expect(["a", "b", "c"].allSatisfy { peer in planned.filter { $0.peer == peer }.count <= 3 })
        // Nothing new while all are in flight and the per-peer limits are used up.
        let more = pool.plan(peers: ["a": 100, "b": 100, "c": 6], now: 1)
        #expect(more.isEmpty)
        #expect(pool.inFlight == 7)
    }

    @Test("a peer that pruned below a height is not asked for it; one that did not say is")
    func prunedHeightsAreNotAsked() {
        var limits = BlockSyncPool.Limits()
        limits.window = 6
        var pool = BlockSyncPool(next: 5, limits: limits)
        let planned = pool.plan(peers: ["pruned": 100, "old": 100], bases: ["pruned": 8, "old": 0], now: 0)
        #expect(planned.map(\.height) == [5, 6, 7, 8, 9, 10])
        #expect(planned.filter { $0.height < 8 }.allSatisfy { $0.peer == "old" }, "\(planned)")
        // Only a pruned peer: the heights below its base wait (state sync's job, not built).
        var alone = BlockSyncPool(next: 5, limits: limits)
        #expect(alone.plan(peers: ["pruned": 100], bases: ["pruned": 8], now: 0).map(\.height) == [8, 9, 10])
    }

    @Test("chunks from the asked peer complete a block; from anyone else they are unsolicited")
    func chunks() throws {
        let (block, commit) = try SyncFixture.block(height: 1, bytes: 2_500_000)
        var pool = BlockSyncPool(next: 1)
        _ = pool.plan(peers: ["a": 10], now: 0)
        let messages = try #require(BlockSyncMessage.chunks(of: block, commit: commit))
        #expect(messages.count == 3)
        var outcomes: [BlockSyncPool.ChunkOutcome] = []
        for message in messages {
            guard case let .chunk(height, index, total, data, commitBytes, _) = message else { continue }
            let stranger = pool.receive(height: height, index: index, total: total, data: data, commit: commitBytes,
                                        from: "mallory")
            #expect(stranger == .unsolicited)
            outcomes.append(pool.receive(height: height, index: index, total: total, data: data, commit: commitBytes,
                                         from: "a"))
        }
        #expect(outcomes == [.pending, .pending, .complete])
        #expect(pool.nextReady()?.block.blockID == block.blockID)
        // The bytes as received are what the store keeps; the ID is computed from them.
        #expect(pool.nextReady()?.bytes == block.protobuf)
        #expect(pool.nextReady()?.blockID == block.blockID)
        pool.applied()
        #expect(pool.next == 2)
        #expect(pool.bufferedBytes == 0)
    }

    @Test("bad framing, a block of another height, and a wrong commit are invalid and the height is asked again")
    func invalidAnswers() throws {
        let (block, commit) = try SyncFixture.block(height: 3, bytes: 100)
        var pool = BlockSyncPool(next: 2)
        _ = pool.plan(peers: ["a": 10], now: 0)
        let data = block.protobuf
        // Height 2 was asked; the peer sends block 3 as if it were 2.
        guard case .invalid = pool.receive(height: 2, index: 0, total: 1, data: data, commit: commit.protobuf, from: "a")
        else { Issue.record("block of another height accepted"); return }
        guard case .invalid = pool.receive(height: 3, index: 5, total: 2, data: [], commit: [], from: "a") else {
            Issue.record("index beyond total accepted"); return
        }
        guard case .invalid = pool.receive(height: 4, index: 0, total: 1_000_000, data: [], commit: [], from: "a") else {
            Issue.record("a million chunks accepted"); return
        }
        // All three heights are free to be asked again (of another peer, once "a" is excluded).
        pool.exclude("a", now: 0)
        let again = pool.plan(peers: ["a": 10, "b": 10], now: 1)
        #expect(again.prefix(3).map(\.height) == [2, 3, 4] && again.allSatisfy { $0.peer == "b" })
    }

    @Test("a slow peer's requests time out and go to others; 'no block' moves the height at once")
    func timeoutsAndNoBlock() {
        var limits = BlockSyncPool.Limits()
        limits.window = 4
        var pool = BlockSyncPool(next: 1, limits: limits)
        let first = pool.plan(peers: ["slow": 10], now: 0)
        #expect(first.count == 4)
        let early = pool.expire(now: limits.requestTimeout)
        let late = pool.expire(now: limits.requestTimeout + 1)
        #expect(early.isEmpty && late == ["slow"])
        let second = pool.plan(peers: ["slow": 10, "fast": 10], now: limits.requestTimeout + 2)
        #expect(second.count == 4 && second.allSatisfy { $0.peer == "fast" })
        let moved = pool.noBlock(height: 1, from: "fast", now: limits.requestTimeout + 3)
        let again = pool.noBlock(height: 1, from: "fast", now: limits.requestTimeout + 3)
        #expect(moved && !again)
    }

    /// A peer answers its requests in turn: the last of many large blocks may arrive long after it
    /// was asked for. While the peer keeps delivering, none of its requests is late.
    @Test("a peer that keeps delivering is not timed out, however long its queue; a silent one is")
    func timeoutCountsFromLastDelivery() {
        var limits = BlockSyncPool.Limits()
        limits.window = 8
        var pool = BlockSyncPool(next: 1, limits: limits)
        #expect(pool.plan(peers: ["busy": 10], now: 0).count == 8)
        pool.delivered(by: "busy", now: limits.requestTimeout - 1)
        #expect(pool.expire(now: limits.requestTimeout + 1).isEmpty)
        #expect(pool.expire(now: 2 * limits.requestTimeout - 1).isEmpty)
        #expect(pool.expire(now: 2 * limits.requestTimeout) == ["busy"])
        #expect(pool.inFlight == 0)
    }

    @Test("a peer that left: its requests are planned to the others at once, its delivered blocks stay")
    func forgetPeer() throws {
        var limits = BlockSyncPool.Limits()
        limits.window = 4
        var pool = BlockSyncPool(next: 1, limits: limits)
        let first = pool.plan(peers: ["a": 10, "b": 10], now: 0)
        let owedByA = first.filter { $0.peer == "a" }.map(\.height)
        #expect(!owedByA.isEmpty && pool.inFlight(to: "a") == owedByA.count)
        let (block, commit) = try SyncFixture.block(height: owedByA[0], bytes: 10)
        #expect(pool.receive(height: owedByA[0], index: 0, total: 1, data: block.protobuf, commit: commit.protobuf,
                             from: "a") == .complete)
        pool.forget("a")
        #expect(pool.inFlight(to: "a") == 0)
        let again = pool.plan(peers: ["b": 10], now: 1)
        #expect(again.map(\.height) == Array(owedByA.dropFirst()) && again.allSatisfy { $0.peer == "b" }, "\(again)")
    }

    @Test("no more is asked once the buffered bytes reach the budget")
    func byteBudget() throws {
        var limits = BlockSyncPool.Limits()
        limits.maxBufferedBytes = 1_000
        var pool = BlockSyncPool(next: 1, limits: limits)
        _ = pool.plan(peers: ["a": 100], now: 0)
        let (block, commit) = try SyncFixture.block(height: 2, bytes: 2_000)
        let second = pool.receive(height: 2, index: 0, total: 1, data: block.protobuf, commit: commit.protobuf, from: "a")
        #expect(second == .complete)
        #expect(pool.bufferedBytes > limits.maxBufferedBytes)
        let (first, firstCommit) = try SyncFixture.block(height: 1, bytes: 10)
        let firstOutcome = pool.receive(height: 1, index: 0, total: 1, data: first.protobuf,
                                        commit: firstCommit.protobuf, from: "a")
        #expect(firstOutcome == .complete)
        pool.applied()
        pool.applied()
        // The running total returns to what the remaining requests hold: nothing has arrived.
        #expect(pool.bufferedBytes == 0)
        let resumed = pool.plan(peers: ["a": 100], now: 1)
        #expect(!resumed.isEmpty)
    }

    @Test("messages round-trip, and every chunk of a 5.5 MB block fits the 4 MiB message limit")
    func wire() throws {
        let (block, commit) = try SyncFixture.block(height: 9, bytes: 5_500_000)
        let chunks = try #require(BlockSyncMessage.chunks(of: block, commit: commit))
        #expect(chunks.count == 6)
        for message in chunks + [.request(height: 9), .noBlock(height: 9)] {
            let bytes = message.encoded()
            #expect(bytes.count < 4 << 20)
            #expect(try BlockSyncMessage(decoding: bytes) == message)
        }
        #expect(throws: DecodingError.self) { try BlockSyncMessage(decoding: BlockSyncMessage.request(height: 0).encoded()) }
        #expect(throws: DecodingError.self) { try BlockSyncMessage(decoding: [0xFF, 0x01, 0x02]) }
    }
}

enum SyncFixture {
    /// A block whose protobuf is about `bytes` long, and a commit naming it.
    static func block(height: Int64, bytes: Int) throws -> (Block, Commit) {
        let hash = Array(repeating: UInt8(7), count: 32)
        let address = Address(bytes: Array(repeating: 1, count: 20))
        let header = Header(chainID: "sync", height: height, time: Timestamp(seconds: 1_700_000_000),
                            lastBlockID: BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: hash)),
                            validatorsHash: hash, nextValidatorsHash: hash, consensusHash: hash, proposerAddress: address)
        let last = BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: hash))
        var block = Block(header: header, data: BlockData(txs: [Array(repeating: 0xAB, count: bytes)]), evidence: [],
                          lastCommit: height > 1 ? Commit(height: height - 1, round: 0, blockID: last, signatures: [
                              CommitSig(blockIDFlag: .commit, validatorAddress: address, timestamp: header.time,
                                        signature: Array(repeating: 9, count: 64)),
                          ]) : .empty)
        block.fillHeaderHashes()
        let commit = Commit(height: height, round: 0, blockID: block.blockID, signatures: [
            CommitSig(blockIDFlag: .commit, validatorAddress: address, timestamp: header.time,
                      signature: Array(repeating: 9, count: 64)),
        ])
        return (block, commit)
    }
}
