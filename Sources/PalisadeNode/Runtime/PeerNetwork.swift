import PalisadeCrypto
import PalisadeP2P

/// The consensus driver's view of the peer-to-peer layer: send, broadcast, and drop a peer that
/// misbehaved. `PalisadeP2P.Switch` is the real one; in-process tests wire drivers directly.
public protocol PeerNetwork: Sendable {
    func send(to peer: String, channel: UInt8, bytes: Bytes) async
    func broadcast(channel: UInt8, bytes: Bytes) async
    func disconnect(peer: String, reason: String) async
    /// As `send`/`broadcast`, saying whether the message is our own (it goes before relays
    /// queued for the peer) or passed on for others. Networks without queues ignore it.
    func send(to peer: String, channel: UInt8, bytes: Bytes, priority: SendPriority) async
    func broadcast(channel: UInt8, bytes: Bytes, priority: SendPriority) async
}

extension PeerNetwork {
    public func send(to peer: String, channel: UInt8, bytes: Bytes, priority: SendPriority) async {
        await send(to: peer, channel: channel, bytes: bytes)
    }

    public func broadcast(channel: UInt8, bytes: Bytes, priority: SendPriority) async {
        await broadcast(channel: channel, bytes: bytes)
    }
}
