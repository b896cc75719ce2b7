import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("State sync's parts: wire messages, snapshot pool, chunk queue, serving budget")
struct StateSyncPartsTests {
    private func snapshot(_ height: UInt64, chunks: UInt32 = 3, hash: UInt8 = 1, metadata: Bytes = []) -> Snapshot {
        Snapshot(height: height, format: 1, chunks: chunks, hash: Bytes(repeating: hash, count: 32), metadata: metadata)
    }

    @Test("messages round-trip with CometBFT's field numbers; a zero height or chunkless snapshot is refused")
    func wire() throws {
        let messages: [StateSyncMessage] = [
            .snapshotsRequest,
            .snapshotsResponse(snapshot(7, metadata: [1, 2])),
            .chunkRequest(height: 7, format: 1, index: 2),
            .chunkResponse(.init(height: 7, format: 1, index: 2, chunk: [9, 9], missing: false)),
        ]
        for message in messages { #expect(try StateSyncMessage(decoding: message.encoded()) == message) }
        #expect(messages.map(\.channel) == [0x60, 0x60, 0x61, 0x61])
        // ChunkRequest{height 7, format 1, index 2} inside oneof field 3: written out by hand.
        #expect(StateSyncMessage.chunkRequest(height: 7, format: 1, index: 2).encoded() == [0x1A, 6, 0x08, 7, 0x10, 1, 0x18, 2])
        #expect(throws: DecodingError.self) { try StateSyncMessage(decoding: [0x1A, 2, 0x18, 2]) }
        #expect(throws: DecodingError.self) {
            try StateSyncMessage(decoding: StateSyncMessage.snapshotsResponse(self.snapshot(7, chunks: 0)).encoded())
        }
        #expect(throws: DecodingError.self) { try StateSyncMessage(decoding: [0xFF]) }
    }

    @Test("the pool ranks by height, then by how many peers have it; rejected ones are never offered again")
    func ranking() {
        var pool = SnapshotPool()
        let tall = snapshot(20, hash: 1), popular = snapshot(10, hash: 2), lonely = snapshot(10, hash: 3)
        var added = pool.add(popular, from: "a")
        #expect(added == .added)
        added = pool.add(popular, from: "b")
        #expect(added == .added)
        added = pool.add(lonely, from: "c")
        #expect(added == .added)
        #expect(pool.best() == popular)
        added = pool.add(tall, from: "c")
        #expect(added == .added)
        #expect(pool.best() == tall)
        pool.reject(tall)
        added = pool.add(tall, from: "d")
        #expect(added == .ignored)
        #expect(pool.best() == popular)
        pool.ban("a", from: popular)
        #expect(pool.peers(of: popular) == ["b"])
        added = pool.add(popular, from: "a")
        #expect(added == .ignored)
        pool.removePeer("b")
        #expect(pool.best() == lonely)
        pool.rejectFormat(1)
        #expect(pool.best() == nil)
    }

    @Test("a peer can make the pool hold at most its bound of snapshots and bytes, the newest kept")
    func perPeerBounds() {
        var pool = SnapshotPool(limits: .init(perPeer: 3, bytesPerPeer: 10_000))
        for height in 1...5 { _ = pool.add(snapshot(UInt64(height), hash: UInt8(height)), from: "flood") }
        #expect(pool.best()?.height == 5)
        var added = pool.add(snapshot(1, hash: 1), from: "flood")
        #expect(added == .overLimit)
        // Only 3, 4 and 5 remain: dropping them one by one empties the pool.
        for height in [5, 4, 3] {
            #expect(pool.best()?.height == UInt64(height))
            pool.reject(snapshot(UInt64(height), hash: UInt8(height)))
        }
        #expect(pool.best() == nil)
        let big = Bytes(repeating: 0, count: 6_000)
        added = pool.add(snapshot(9, hash: 9, metadata: big), from: "fat")
        #expect(added == .added)
        added = pool.add(snapshot(8, hash: 8, metadata: big), from: "fat")
        #expect(added == .overLimit)
        added = pool.add(snapshot(7, chunks: UInt32.max, hash: 7), from: "forged")
        #expect(added == .ignored)
    }

    @Test("chunks are asked in order within the fetcher limit, spread over the sources")
    func assignment() {
        var queue = ChunkQueue(snapshot: snapshot(5, chunks: 10), maxChunkBytes: 100)
        let first = queue.assign(peers: ["a", "b"], fetchers: 4, window: 64, now: 0, timeout: 10)
        #expect(first.map(\.index) == [0, 1, 2, 3])
        #expect(first.map(\.peer) == ["a", "b", "a", "b"])
        var assigned = queue.assign(peers: ["a", "b"], fetchers: 4, window: 64, now: 1, timeout: 10)
        #expect(assigned.isEmpty)
        var windowed = ChunkQueue(snapshot: snapshot(5, chunks: 10), maxChunkBytes: 100)
        assigned = windowed.assign(peers: ["a"], fetchers: 8, window: 2, now: 0, timeout: 10)
        #expect(assigned.map(\.index) == [0, 1])
    }

    @Test("a timed-out or missing chunk goes to another peer; a chunk nobody asked for is unsolicited")
    func timeoutsAndFaults() {
        var queue = ChunkQueue(snapshot: snapshot(5, chunks: 2), maxChunkBytes: 4)
        var assigned = queue.assign(peers: ["a", "b"], fetchers: 1, window: 64, now: 0, timeout: 10)
        #expect(assigned.map(\.peer) == ["a"])
        var expired = queue.expire(now: 9)
        #expect(expired.isEmpty)
        expired = queue.expire(now: 10)
        #expect(expired == [.init(index: 0, peer: "a")])
        assigned = queue.assign(peers: ["a", "b"], fetchers: 1, window: 64, now: 10, timeout: 10)
        #expect(assigned.map(\.peer) == ["b"])
        let missing = StateSyncMessage.ChunkResponse(height: 5, format: 1, index: 0, chunk: [], missing: true)
        var outcome = queue.receive(missing, from: "b")
        #expect(outcome == .missing)
        // Both failed chunk 0: it starts over rather than stalling.
        assigned = queue.assign(peers: ["a", "b"], fetchers: 1, window: 64, now: 20, timeout: 10)
        #expect(assigned.map(\.peer) == ["a"])
        let good = StateSyncMessage.ChunkResponse(height: 5, format: 1, index: 0, chunk: [1, 2], missing: false)
        outcome = queue.receive(good, from: "stranger")
        #expect(outcome == .unsolicited("chunk 0 was not asked of this peer"))
        var wrongHeight = good
        wrongHeight.height = 6
        if case .unsolicited = queue.receive(wrongHeight, from: "a") {} else { Issue.record("wrong height taken") }
        var tooBig = good
        tooBig.chunk = [1, 2, 3, 4, 5]
        if case .unsolicited = queue.receive(tooBig, from: "a") {} else { Issue.record("oversized chunk taken") }
        outcome = queue.receive(good, from: "a")
        #expect(outcome == .stored)
        // The late answer of "b" to the same chunk is not a fault, and not kept.
        outcome = queue.receive(good, from: "b")
        #expect(outcome == .ignored)
        #expect(queue.next?.index == 0 && queue.next?.sender == "a")
        queue.markApplied(0)
        #expect(queue.next == nil && !queue.isComplete)
    }

    @Test("reject_senders drops what the sender delivered; refetch_chunks re-applies an applied chunk")
    func appDirectedDiscards() {
        var queue = ChunkQueue(snapshot: snapshot(5, chunks: 3), maxChunkBytes: 10)
        let requests = queue.assign(peers: ["a", "b"], fetchers: 3, window: 64, now: 0, timeout: 10)
        for request in requests {
            _ = queue.receive(.init(height: 5, format: 1, index: request.index, chunk: [1], missing: false), from: request.peer)
        }
        queue.markApplied(0)
        queue.discardSender("b")
        #expect(queue.slot(1) == .needed)
        #expect(queue.slot(2) == .received(chunk: [1], sender: "a"))
        let outcome = queue.receive(.init(height: 5, format: 1, index: 1, chunk: [1], missing: false), from: "b")
        #expect(outcome == .ignored)
        queue.discard(0)
        #expect(queue.slot(0) == .needed && queue.next == nil)
        let assigned = queue.assign(peers: ["a"], fetchers: 3, window: 64, now: 1, timeout: 10)
        #expect(assigned.map(\.index) == [0, 1])
    }

    @Test("serving is bounded per peer: over its budget a peer is refused until time pays the debt")
    func serveBudget() {
        var budget = ServeBudget(rate: 1_000, burst: 2_000)
        var allowed = budget.allows("p", now: 0)
        #expect(allowed)
        budget.charge("p", bytes: 1_500, now: 0)
        allowed = budget.allows("p", now: 0)
        #expect(allowed)
        budget.charge("p", bytes: 1_500, now: 0)
        allowed = budget.allows("p", now: 0)
        #expect(!allowed)
        allowed = budget.allows("other", now: 0)
        #expect(allowed)
        allowed = budget.allows("p", now: 1_000)
        #expect(!allowed)
        allowed = budget.allows("p", now: 1_001)
        #expect(allowed)
        budget.forget("p")
        allowed = budget.allows("p", now: 1_001)
        #expect(allowed)
    }
}
