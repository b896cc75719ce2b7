import PalisadeCrypto
import PalisadeP2P
import PalisadeTypes

/// Carrying out what the gossip reactor decides: relays of verified current-height messages to
/// the peers at our height. A peer that is behind catches up by block sync (`+BlockSync`).
extension ConsensusDriver {
    /// Relays a verified message of the current height to the peers that lack it.
    func gossip(_ message: ConsensusWireMessage, from origin: String? = nil) async throws {
        await transmit(reactor.relay(message, from: origin))
    }

    /// Our own vote or proposal: relayed whatever peers have filled the height with.
    func gossipOwn(_ message: ConsensusWireMessage) async throws {
        await transmit(reactor.relay(message, own: true))
    }

    func transmit(_ sends: [GossipReactor.Send]) async {
        for send in sends {
            await network.send(to: send.peer, channel: send.channel, bytes: send.bytes,
                               priority: send.own ? .own : .relay)
        }
    }

    /// A peer told us where it is: send it what it lacks.
    func peerAdvanced(_ peer: String, to state: PeerRoundState) async {
        await transmit(reactor.reported(peer, state))
    }
}
