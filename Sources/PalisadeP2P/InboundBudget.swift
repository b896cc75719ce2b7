import Synchronization

/// The bytes and messages peers have sent us that are not yet handled, per peer and in all.
///
/// A peer's reader takes a lease for each message before handing it on and waits while the
/// peer, or all peers together, hold their limit; the lease travels with the message through
/// every queue behind the switch (the consensus driver's, the mempool's, the evidence pool's)
/// and is released when the message has been handled. While a reader waits, its connection's
/// inbound buffer fills and the socket is no longer read, so TCP flow control slows the peer:
/// back-pressure reaches the socket however many queues lie between it and the handler.
///
/// A message is admitted while its peer holds less than the per-peer limit and all peers less
/// than the total, so a peer holds at most its limit plus one message (one largest message is
/// always admitted eventually) and the total stays below its limit plus one message. Per-peer
/// bounds keep one flooding peer from taking the others' share.
public final class InboundBudget: Sendable {
    public struct Limits: Sendable, Equatable {
        public var bytesPerPeer: Int
        public var messagesPerPeer: Int
        public var totalBytes: Int
        public var totalMessages: Int

        /// Per peer 4 MiB (one largest message) and 1,024 messages; in all 64 MiB and 8,192.
        public init(bytesPerPeer: Int = 4 << 20, messagesPerPeer: Int = 1_024,
                    totalBytes: Int = 64 << 20, totalMessages: Int = 8_192) {
            self.bytesPerPeer = max(1, bytesPerPeer)
            self.messagesPerPeer = max(1, messagesPerPeer)
            self.totalBytes = max(1, totalBytes)
            self.totalMessages = max(1, totalMessages)
        }
    }

    /// What is held now and the most ever held, for operators and for tests of the bound.
    public struct Usage: Sendable, Equatable {
        public var bytes = 0
        public var messages = 0
        public var peakBytes = 0
        public var peakMessages = 0
        /// The most one peer ever held, in bytes and in messages.
        public var peakPeerBytes = 0
        public var peakPeerMessages = 0
    }

    private struct Held { var bytes = 0, messages = 0 }

    private struct Waiter {
        var peer: String
        var bytes: Int
        /// Resumed with true once admitted (its share already taken), false when closed.
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var usage = Usage()
        var peers: [String: Held] = [:]
        /// At most one per peer: each peer has one reader.
        var waiting: [Waiter] = []
        var closed = false
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Waits until `peer` may hand on a message of `bytes`, then holds them until the lease is
    /// released. Nil once the budget is closed (the switch stopped).
    public func acquire(peer: String, bytes: Int) async -> InboundLease? {
        let admitted = await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
            let verdict = state.withLock { state -> Bool? in
                if state.closed { return false }
                guard admits(peer: peer, in: state) else {
                    state.waiting.append(Waiter(peer: peer, bytes: bytes, continuation: waiter))
                    return nil
                }
                take(peer: peer, bytes: bytes, in: &state)
                return true
            }
            if let verdict { waiter.resume(returning: verdict) }
        }
        guard admitted else { return nil }
        return InboundLease(budget: self, peer: peer, bytes: bytes)
    }

    /// Ends every wait; later acquisitions return nil.
    public func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.continuation.resume(returning: false) }
    }

    public var usage: Usage { state.withLock { $0.usage } }

    /// Bytes `peer` holds now.
    public func bytes(of peer: String) -> Int { state.withLock { $0.peers[peer]?.bytes ?? 0 } }

    fileprivate func release(peer: String, bytes: Int) {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            if var held = state.peers[peer] {
                held.bytes -= bytes
                held.messages -= 1
                state.peers[peer] = held.messages > 0 ? held : nil
            }
            state.usage.bytes -= bytes
            state.usage.messages -= 1
            // Waiters are admitted, in arrival order, before any new arrival can take the room;
            // each takes its share at once so the next is judged on what is left.
            var woken: [CheckedContinuation<Bool, Never>] = []
            var still: [Waiter] = []
            for waiter in state.waiting {
                if admits(peer: waiter.peer, in: state) {
                    take(peer: waiter.peer, bytes: waiter.bytes, in: &state)
                    woken.append(waiter.continuation)
                } else {
                    still.append(waiter)
                }
            }
            state.waiting = still
            return woken
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    private func admits(peer: String, in state: State) -> Bool {
        let held = state.peers[peer] ?? Held()
        return held.bytes < limits.bytesPerPeer && held.messages < limits.messagesPerPeer
            && state.usage.bytes < limits.totalBytes && state.usage.messages < limits.totalMessages
    }

    private func take(peer: String, bytes: Int, in state: inout State) {
        var held = state.peers[peer] ?? Held()
        held.bytes += bytes
        held.messages += 1
        state.peers[peer] = held
        state.usage.bytes += bytes
        state.usage.messages += 1
        state.usage.peakBytes = max(state.usage.peakBytes, state.usage.bytes)
        state.usage.peakMessages = max(state.usage.peakMessages, state.usage.messages)
        state.usage.peakPeerBytes = max(state.usage.peakPeerBytes, held.bytes)
        state.usage.peakPeerMessages = max(state.usage.peakPeerMessages, held.messages)
    }
}

/// One message's share of an `InboundBudget`, given back by `release()` once the message is
/// handled, or when the lease is dropped unreleased (a message discarded on the way), so no
/// path can leak budget.
public final class InboundLease: Sendable, Equatable {
    private let budget: InboundBudget
    private let peer: String
    private let bytes: Int
    private let released = Atomic(false)

    fileprivate init(budget: InboundBudget, peer: String, bytes: Int) {
        self.budget = budget
        self.peer = peer
        self.bytes = bytes
    }

    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        budget.release(peer: peer, bytes: bytes)
    }

    deinit { release() }

    /// Leases are equal only to themselves: each is one message's share.
    public static func == (lhs: InboundLease, rhs: InboundLease) -> Bool { lhs === rhs }
}
