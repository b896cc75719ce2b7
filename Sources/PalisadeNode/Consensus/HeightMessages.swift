import PalisadeCrypto

/// Every verified proposal, block part and vote of the current height, in arrival order, as
/// encoded for the wire. Relaying is "add it here": each peer at our height is sent what it has
/// not been sent yet, so a peer that reconnects or reaches our height later still gets them
/// all (what CometBFT's reactor achieves with per-peer bit arrays).
struct HeightMessages {
    struct Entry {
        var digest: Bytes
        var channel: UInt8
        var bytes: Bytes
    }

    /// Bounds what a Byzantine peer can make us hold: honest traffic for one height is a few
    /// messages per validator per round.
    static let limit = 50_000

    private(set) var entries: [Entry] = []
    private var digests: Set<Bytes> = []

    /// False when the message is already held (or the height is full).
    mutating func add(_ message: ConsensusWireMessage) -> Entry? {
        let bytes = message.encoded()
        let digest = SHA256Hash.digest(bytes)
        guard entries.count < Self.limit, digests.insert(digest).inserted else { return nil }
        let entry = Entry(digest: digest, channel: message.channel, bytes: bytes)
        entries.append(entry)
        return entry
    }

    func contains(_ message: ConsensusWireMessage) -> Bool {
        digests.contains(SHA256Hash.digest(message.encoded()))
    }

    mutating func reset() {
        entries = []
        digests = []
    }
}

/// What one peer reported and what we have sent it this height.
struct PeerView {
    var round: PeerRoundState?
    /// Height the `sent` set belongs to; when the peer moves on, it is cleared.
    var sentHeight: Int64 = 0
    var sent: Set<Bytes> = []
}
