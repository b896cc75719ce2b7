import PalisadeCrypto

/// What peers are told, as a value: it owns each peer's reported round state, the verified
/// messages of the current height and what each peer has been sent of them, and returns the
/// sends; the driver carries them out. Relaying is "add it here": every peer at our height is
/// sent what it has not been sent yet, so a peer that reconnects (after a restart, its own or
/// ours) or reaches our height later still gets all of the height, its proof-of-lock prevotes
/// included (what CometBFT's reactor achieves with per-peer has-vote bit arrays; over TCP a
/// connection loses nothing, so "sent on this connection" is "has").
struct GossipReactor {
    struct Send: Sendable {
        var peer: String
        var channel: UInt8
        var bytes: Bytes
        /// Our own message: it leaves before relays queued for the peer.
        var own = false
    }

    private(set) var peers: [String: PeerView] = [:]
    private(set) var messages = HeightMessages()
    /// The height `messages` belongs to: the core's.
    private(set) var height: Int64 = 0
    private var lastAnnounced: PeerRoundState?

    /// A new connection has been sent nothing yet. What the peer last reported stays: on a
    /// reconnect it is at worst stale, and it may already be newer than the connection event.
    mutating func connected(_ peer: String) {
        peers[peer] = PeerView(round: peers[peer]?.round)
    }

    mutating func disconnected(_ peer: String) {
        peers[peer] = nil
    }

    /// True when `state` differs from what peers were last told.
    mutating func announce(_ state: PeerRoundState) -> Bool {
        guard state != lastAnnounced else { return false }
        lastAnnounced = state
        return true
    }

    /// A new height: nothing held of the old one is sent any more.
    mutating func begin(height: Int64) {
        self.height = height
        messages.reset()
    }

    func holds(_ message: ConsensusWireMessage) -> Bool {
        messages.contains(message)
    }

    /// A copy, byte for byte, of a message held: dropped undecoded.
    func holdsEncoded(channel: UInt8, bytes: Bytes) -> Bool {
        messages.containsEncoded(channel: channel, bytes: bytes)
    }

    /// Adds a verified message of the current height; returns it for every peer that lacks it.
    /// `origin`, the peer it came from, is not sent it back.
    mutating func relay(_ message: ConsensusWireMessage, from origin: String? = nil, own: Bool = false) -> [Send] {
        guard let index = messages.add(message, own: own) else { return [] }
        if let origin, var view = peers[origin] {
            view.begin(height: height)
            view.fromPeer.insert(index)
            peers[origin] = view
        }
        return flushAll()
    }

    mutating func flushAll() -> [Send] {
        peers.keys.sorted().flatMap { flush(to: $0) }
    }

    /// Every current-height message `peer` has not been sent, if it is at our height.
    mutating func flush(to peer: String) -> [Send] {
        guard var view = peers[peer], let reported = view.round, reported.height == height else { return [] }
        view.begin(height: height)
        let entries = messages.entries
        guard view.sentCount < entries.count else { return [] }
        var outgoing: [Send] = []
        for index in view.sentCount..<entries.count where !view.fromPeer.contains(index) {
            let entry = entries[index]
            outgoing.append(Send(peer: peer, channel: entry.channel, bytes: entry.bytes, own: entry.own))
        }
        view.sentCount = entries.count
        view.fromPeer = []
        peers[peer] = view
        return outgoing
    }

    /// A peer told us where it is: the messages it lacks if it is at our height.
    mutating func reported(_ peer: String, _ state: PeerRoundState) -> [Send] {
        var view = peers[peer] ?? PeerView()
        view.round = state
        peers[peer] = view
        return state.height == height ? flush(to: peer) : []
    }

    /// The highest height each peer reports having stored: what block sync can ask it for.
    var storedHeights: [String: Int64] {
        peers.compactMapValues { $0.round?.lastStoredHeight }
    }

    /// The lowest height each peer reports still storing: below it, it has pruned.
    var storedBases: [String: Int64] {
        peers.compactMapValues { $0.round?.storedBase }
    }
}
