import PalisadeCrypto

/// Every verified proposal, block part and vote of the current height, in arrival order, as
/// encoded for the wire. Relaying is "add it here": each peer at our height is sent what it has
/// not been sent yet, so a peer that reconnects or reaches our height later still gets them
/// all (what CometBFT's reactor achieves with per-peer bit arrays).
struct HeightMessages {
    struct Entry {
        var channel: UInt8
        var bytes: Bytes
        var own: Bool
    }

    /// Bounds what a Byzantine peer can make us hold: honest traffic for one height is a few
    /// messages per validator per round.
    static let limit = 50_000

    /// Append-only within a height, so an index names one message until `reset`.
    private(set) var entries: [Entry] = []
    private var digests: Set<DigestKey> = []
    /// The same messages by their wire bytes, so a copy relayed back to us is dropped before it
    /// is decoded (most of what a node receives is copies of what it already holds).
    private var encodings: Set<DigestKey> = []

    /// The new entry's index; nil when the message is already held, or the height is full.
    /// `own` messages (ours) are held past the limit: what peers fill must never silence us.
    mutating func add(_ message: ConsensusWireMessage, own: Bool = false) -> Int? {
        let digest = Self.key(message)
        guard own || entries.count < Self.limit, !digests.contains(digest) else { return nil }
        digests.insert(digest)
        let entry = Entry(channel: message.channel, bytes: message.encoded(), own: own)
        encodings.insert(Self.encodingKey(channel: entry.channel, bytes: entry.bytes))
        entries.append(entry)
        return entries.count - 1
    }

    /// Whether exactly these bytes on this channel are a message held: its decoding would be
    /// dropped as held, so it need not be decoded.
    func containsEncoded(channel: UInt8, bytes: Bytes) -> Bool {
        !encodings.isEmpty && encodings.contains(Self.encodingKey(channel: channel, bytes: bytes))
    }

    private static func encodingKey(channel: UInt8, bytes: Bytes) -> DigestKey {
        DigestKey(SHA256Hash.digest(prefix: channel, bytes))
    }

    func contains(_ message: ConsensusWireMessage) -> Bool {
        digests.contains(Self.key(message))
    }

    /// What a message is, not how it was encoded: a vote by (type, height, round, validator,
    /// block), so copies that differ in bytes the signature does not cover (a timestamp-free
    /// re-encoding, appended extension bytes) are one entry; other messages by their bytes,
    /// which their signature or Merkle proof fixes.
    static func key(_ message: ConsensusWireMessage) -> DigestKey {
        guard case .vote(let vote) = message else { return DigestKey(SHA256Hash.digest(message.encoded())) }
        var identity: Bytes = [0x76, vote.type == .prevote ? 1 : 2]
        for value in [UInt64(bitPattern: vote.height), UInt64(UInt32(bitPattern: vote.round)),
                      UInt64(UInt32(bitPattern: vote.validatorIndex)), UInt64(vote.blockID.partSetHeader.total)] {
            identity += (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
        }
        identity += vote.blockID.hash + vote.blockID.partSetHeader.hash
        return DigestKey(SHA256Hash.digest(identity))
    }

    mutating func reset() {
        entries = []
        digests = []
        encodings = []
    }
}

/// What one peer reported and what it has of this height: every entry below `sentCount` was
/// sent to it or came from it, and `fromPeer` holds the entries at or above it that came from it
/// (not to be sent back). A flush is then one pass over the new entries, not over the height.
struct PeerView {
    var round: PeerRoundState?
    /// Height `sentCount` and `fromPeer` belong to; when the peer moves on, they are cleared.
    var sentHeight: Int64 = 0
    var sentCount = 0
    var fromPeer: Set<Int> = []

    mutating func begin(height: Int64) {
        guard sentHeight != height else { return }
        sentHeight = height
        sentCount = 0
        fromPeer = []
    }
}
