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

    /// Nil when the message is already held, or the height is full. `own` messages (ours) are
    /// held past the limit: what peers fill must never silence us.
    mutating func add(_ message: ConsensusWireMessage, own: Bool = false) -> Entry? {
        let digest = Self.key(message)
        guard own || entries.count < Self.limit, !digests.contains(digest) else { return nil }
        digests.insert(digest)
        let entry = Entry(digest: digest, channel: message.channel, bytes: message.encoded())
        entries.append(entry)
        return entry
    }

    func contains(_ message: ConsensusWireMessage) -> Bool {
        digests.contains(Self.key(message))
    }

    /// What a message is, not how it was encoded: a vote by (type, height, round, validator,
    /// block), so copies that differ in bytes the signature does not cover (a timestamp-free
    /// re-encoding, appended extension bytes) are one entry; other messages by their bytes,
    /// which their signature or Merkle proof fixes.
    static func key(_ message: ConsensusWireMessage) -> Bytes {
        guard case .vote(let vote) = message else { return SHA256Hash.digest(message.encoded()) }
        var identity: Bytes = [0x76, vote.type == .prevote ? 1 : 2]
        for value in [UInt64(bitPattern: vote.height), UInt64(UInt32(bitPattern: vote.round)),
                      UInt64(UInt32(bitPattern: vote.validatorIndex)), UInt64(vote.blockID.partSetHeader.total)] {
            identity += (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
        }
        identity += vote.blockID.hash + vote.blockID.partSetHeader.hash
        return SHA256Hash.digest(identity)
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
