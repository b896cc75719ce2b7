import PalisadeP2P
import Synchronization
import Testing

/// The bound between a peer's socket and the handler of its messages: per peer and in all, in
/// bytes and in messages, with waiting readers admitted as leases are released.
@Suite("Inbound budget")
struct InboundBudgetTests {
    static let limits = InboundBudget.Limits(bytesPerPeer: 100, messagesPerPeer: 3, totalBytes: 250, totalMessages: 100)

    /// Starts an acquisition that is expected to wait; `admitted` turns true when it gets through.
    final class Pending: Sendable {
        private final class Slot: Sendable { let lease = Mutex<InboundLease?>(nil) }
        private let slot = Slot()
        private let task: Task<Void, Never>

        init(_ budget: InboundBudget, peer: String, bytes: Int) {
            let slot = self.slot
            task = Task {
                if let lease = await budget.acquire(peer: peer, bytes: bytes) { slot.lease.withLock { $0 = lease } }
            }
        }

        var lease: InboundLease? { slot.lease.withLock { $0 } }
        func wait() async { await task.value }
    }

    @Test func aPeerAtItsByteLimitWaitsAndOthersDoNot() async throws {
        let budget = InboundBudget(limits: Self.limits)
        let first = try #require(await budget.acquire(peer: "a", bytes: 60))
        // Below the limit a message is admitted even if it takes the peer past it.
        let second = try #require(await budget.acquire(peer: "a", bytes: 60))
        #expect(budget.bytes(of: "a") == 120)
        let waiting = Pending(budget, peer: "a", bytes: 1)
        // Another peer is not held up by a's share.
        let other = try #require(await budget.acquire(peer: "b", bytes: 90))
        #expect(waiting.lease == nil)
        first.release()
        await waiting.wait()
        #expect(waiting.lease != nil)
        #expect(budget.bytes(of: "a") == 61)
        #expect(budget.usage.peakPeerBytes == 120)
        second.release()
        other.release()
        waiting.lease?.release()
        #expect(budget.usage.bytes == 0 && budget.usage.messages == 0)
    }

    @Test func messageCountAndTotalAreBoundsToo() async throws {
        let budget = InboundBudget(limits: Self.limits)
        let small = try await (0..<3).asyncMap { _ in try #require(await budget.acquire(peer: "a", bytes: 1)) }
        let byCount = Pending(budget, peer: "a", bytes: 1)
        let big = try #require(await budget.acquire(peer: "b", bytes: 99))
        let bigger = try #require(await budget.acquire(peer: "c", bytes: 99))
        let fill = try #require(await budget.acquire(peer: "d", bytes: 99))
        // 300 bytes held in all, above the 250 total: a fifth peer waits.
        let byTotal = Pending(budget, peer: "e", bytes: 1)
        #expect(byCount.lease == nil && byTotal.lease == nil)
        // 201 bytes in all: e gets in; a still holds three messages.
        fill.release()
        await byTotal.wait()
        #expect(byTotal.lease != nil && byCount.lease == nil)
        small[0].release()
        await byCount.wait()
        #expect(byCount.lease != nil)
        _ = (big, bigger)
    }

    @Test func aDroppedLeaseIsGivenBackAndCloseEndsWaits() async throws {
        let budget = InboundBudget(limits: Self.limits)
        do {
            let dropped = await budget.acquire(peer: "a", bytes: 100)
            #expect(dropped != nil)
        }
        #expect(budget.usage.bytes == 0)
        let held = try #require(await budget.acquire(peer: "a", bytes: 100))
        let waiting = Task { await budget.acquire(peer: "a", bytes: 1) }
        budget.close()
        #expect(await waiting.value == nil)
        #expect(await budget.acquire(peer: "z", bytes: 1) == nil)
        held.release()
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
