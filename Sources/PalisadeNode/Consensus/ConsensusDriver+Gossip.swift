import PalisadeCrypto
import PalisadeTypes

/// Getting messages to peers: everything verified at our height is relayed to every peer at our
/// height that has not had it, and a peer that reports an older height is sent the decided
/// blocks it lacks, one at a time as it announces each new height.
extension ConsensusDriver {
    /// Adds a verified message of the current height and sends it to the peers that lack it;
    /// `origin`, the peer it came from, is not sent it back.
    func gossip(_ message: ConsensusWireMessage, from origin: String? = nil) async throws {
        guard let entry = messages.add(message) else { return }
        if let origin, var view = peers[origin], view.sentHeight == core.height {
            view.sent.insert(entry.digest)
            peers[origin] = view
        }
        for peer in peers.keys.sorted() { await flush(to: peer) }
    }

    /// Sends `peer` every current-height message it has not been sent, if it is at our height.
    func flush(to peer: String) async {
        guard var view = peers[peer], let reported = view.round, reported.height == core.height else { return }
        if view.sentHeight != core.height {
            view.sentHeight = core.height
            view.sent = []
        }
        var outgoing: [HeightMessages.Entry] = []
        for entry in messages.entries where !view.sent.contains(entry.digest) {
            view.sent.insert(entry.digest)
            outgoing.append(entry)
        }
        peers[peer] = view
        for entry in outgoing {
            await network.send(to: peer, channel: entry.channel, bytes: entry.bytes)
        }
    }

    /// A peer told us where it is: send it what it lacks.
    func peerAdvanced(_ peer: String, to state: PeerRoundState) async {
        var view = peers[peer] ?? PeerView()
        view.round = state
        peers[peer] = view
        if state.height == core.height {
            await flush(to: peer)
        } else if state.height < core.height, state.height <= chain.lastBlockHeight {
            await sendDecidedBlock(height: state.height, to: peer)
        }
    }

    /// Catch-up: the stored block and its commit. Sent again only if the peer still reports the
    /// same height several heartbeats later (the first copy may have died with a connection).
    private func sendDecidedBlock(height: Int64, to peer: String) async {
        guard var view = peers[peer] else { return }
        if let last = view.catchUpSent, last.height == height, tick - last.tick < 5 { return }
        guard let block = try? store.block(at: height), let commit = try? store.decidedCommit(at: height) else {
            return
        }
        view.catchUpSent = (height, tick)
        peers[peer] = view
        await network.send(to: peer, channel: NodeChannel.consensusData,
                           bytes: ConsensusWireMessage.decidedBlock(block, commit).encoded())
    }
}
