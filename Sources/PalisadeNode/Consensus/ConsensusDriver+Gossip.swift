import PalisadeCrypto
import PalisadeTypes

/// Carrying out what the gossip reactor decides: relays of verified current-height messages,
/// and the decided blocks a peer that reports an older height lacks, one at a time as it
/// announces each new height.
extension ConsensusDriver {
    /// Relays a verified message of the current height to the peers that lack it.
    func gossip(_ message: ConsensusWireMessage, from origin: String? = nil) async throws {
        await transmit(reactor.relay(message, from: origin))
    }

    func transmit(_ sends: [GossipReactor.Send]) async {
        for send in sends { await network.send(to: send.peer, channel: send.channel, bytes: send.bytes) }
    }

    /// A peer told us where it is: send it what it lacks.
    func peerAdvanced(_ peer: String, to state: PeerRoundState) async {
        await transmit(reactor.reported(peer, state))
        if state.height < core.height, state.height <= chain.lastBlockHeight {
            await sendDecidedBlock(height: state.height, to: peer)
        }
    }

    /// Catch-up: the stored block and its commit. Sent again only if the peer still reports the
    /// same height several heartbeats later (the first copy may have died with a connection).
    private func sendDecidedBlock(height: Int64, to peer: String) async {
        guard let block = try? store.block(at: height), let commit = try? store.decidedCommit(at: height),
              reactor.claimCatchUp(peer, height: height) else { return }
        await network.send(to: peer, channel: NodeChannel.consensusData,
                           bytes: ConsensusWireMessage.decidedBlock(block, commit).encoded())
    }
}
