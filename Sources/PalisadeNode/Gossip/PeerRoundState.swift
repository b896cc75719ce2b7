/// Where a peer says it is. Sent on every step change and as a heartbeat; it tells us what the
/// peer still lacks: the current height's messages if it is at our height, decided blocks if it
/// is behind.
struct PeerRoundState: Sendable, Hashable {
    var height: Int64
    var round: Int32
    /// 0 propose, 1 prevote, 2 precommit.
    var step: UInt8
    var lastStoredHeight: Int64
}
