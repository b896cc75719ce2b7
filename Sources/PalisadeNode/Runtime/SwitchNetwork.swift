import PalisadeCrypto
import PalisadeP2P

/// `PeerNetwork` over the P2P switch. Sends never wait on a slow peer: the switch queues per
/// peer and drops a peer whose queue overflows.
struct SwitchNetwork: PeerNetwork {
    let peerSwitch: Switch
    /// Counts the bytes queued for peers, by channel.
    var metrics: P2PMetrics = NodeMetrics.none.p2p

    func send(to peer: String, channel: UInt8, bytes: Bytes) async {
        if await peerSwitch.send(to: peer, channel: channel, bytes: bytes) {
            metrics.sent(channel: channel, bytes: bytes.count)
        }
    }

    func broadcast(channel: UInt8, bytes: Bytes) async {
        let copies = await peerSwitch.broadcast(channel: channel, bytes: bytes)
        metrics.sent(channel: channel, bytes: bytes.count, copies: copies)
    }

    func send(to peer: String, channel: UInt8, bytes: Bytes, priority: SendPriority) async {
        _ = await peerSwitch.send(to: peer, channel: channel, bytes: bytes, priority: priority)
    }

    func broadcast(channel: UInt8, bytes: Bytes, priority: SendPriority) async {
        await peerSwitch.broadcast(channel: channel, bytes: bytes, priority: priority)
    }

    /// Every disconnect the reactors ask for is for misbehaviour, so the peer is also banned for
    /// a while (`SwitchConfiguration.banDuration`; persistent peers are exempt).
    func disconnect(peer: String, reason: String) async {
        await peerSwitch.ban(peer: peer, reason: reason)
    }
}
