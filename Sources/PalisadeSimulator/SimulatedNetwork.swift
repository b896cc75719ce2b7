import PalisadeCrypto
import PalisadeNode

/// One endpoint's view of the simulated links, as the driver and the evidence pool use it. A
/// send goes on the link's FIFO (or breaks the link, where the network fails); a broadcast goes
/// to every peer whose link is up, in endpoint order. A dead incarnation sends nothing.
struct SimulatedNetwork: PeerNetwork {
    let world: SimWorld
    let endpoint: Int
    let incarnation: Int
    /// Set for an equivocating proposer: it watches its own proposals go out.
    let equivocation: EquivocationTap?

    func send(to peer: String, channel: UInt8, bytes: Bytes) async {
        guard let to = endpointIndex(peer), world.portCall(endpoint: endpoint, incarnation: incarnation) else { return }
        world.state.withLock { $0.send(from: endpoint, to: to, channel: channel, bytes: bytes) }
        equivocation?.observe(channel: channel, bytes: bytes, world: world, from: endpoint)
    }

    func broadcast(channel: UInt8, bytes: Bytes) async {
        guard world.portCall(endpoint: endpoint, incarnation: incarnation) else { return }
        world.state.withLock { state in
            for peer in state.links.peers(of: endpoint) {
                state.send(from: endpoint, to: peer, channel: channel, bytes: bytes)
            }
        }
        equivocation?.observe(channel: channel, bytes: bytes, world: world, from: endpoint)
    }

    func disconnect(peer: String, reason: String) async {
        guard let other = endpointIndex(peer), world.portCall(endpoint: endpoint, incarnation: incarnation) else { return }
        world.state.withLock { $0.breakLink(endpoint, other, reason: "n\(endpoint) disconnected it: \(reason)") }
    }
}
