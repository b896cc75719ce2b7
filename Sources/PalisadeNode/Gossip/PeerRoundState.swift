/// Where a peer says it is. Sent on every step change and as a heartbeat; it tells us what the
/// peer still lacks: the current height's messages if it is at our height, decided blocks if it
/// is behind.
public struct PeerRoundState: Sendable, Hashable {
    public var height: Int64
    public var round: Int32
    /// 0 propose, 1 prevote, 2 precommit.
    public var step: UInt8
    public var lastStoredHeight: Int64
    /// The lowest block it stores (0 from a peer that does not say): block sync asks it for
    /// nothing below, since pruned heights are gone.
    public var storedBase: Int64 = 0

    public init(height: Int64, round: Int32, step: UInt8, lastStoredHeight: Int64, storedBase: Int64 = 0) {
        self.height = height
        self.round = round
        self.step = step
        self.lastStoredHeight = lastStoredHeight
        self.storedBase = storedBase
    }
}
