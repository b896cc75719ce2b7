/// Per peer, the consensus messages since the last heartbeat that did us no good: stale ones
/// (an old height, a copy, a part nobody asked for) and round-step reports. Each is cheap to
/// drop, because the checks on height, round and size come before any signature; but a peer
/// that sends thousands a second is either broken or an attacker holding our inbound budget,
/// and is dropped and banned.
///
/// An honest peer sends a round step per step change and per heartbeat, and at a height change
/// at most the rest of the old height's votes (two per validator per round it reached), so a
/// few hundred a second even for large sets; the limit leaves a wide margin above that.
struct UnproductiveTraffic {
    static let limitPerHeartbeat = 2_000

    private var counts: [String: Int] = [:]

    /// Counts one message; true exactly when `peer` just passed the limit.
    mutating func record(_ peer: String) -> Bool {
        let count = counts[peer, default: 0] + 1
        counts[peer] = count
        return count == Self.limitPerHeartbeat + 1
    }

    /// A heartbeat starts a new window (about a second).
    mutating func heartbeat() { counts = [:] }

    mutating func forget(_ peer: String) { counts[peer] = nil }
}
