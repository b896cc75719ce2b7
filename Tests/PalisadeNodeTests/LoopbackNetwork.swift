import PalisadeCrypto
@testable import PalisadeNode
import Synchronization

/// Drivers in one process, connected to each other directly: every send is an enqueue on the
/// receiver. `cut` simulates a node that is down (nothing reaches it or leaves it).
final class LoopbackNetwork: Sendable {
    private let drivers = Mutex<[String: ConsensusDriver]>([:])
    private let pools = Mutex<[String: EvidencePool]>([:])
    private let down = Mutex<Set<String>>([])
    let disconnects = Mutex<[String]>([])
    /// Sends above the P2P layer's message limit (the switch refuses them): dropped, recorded.
    let oversized = Mutex<[String]>([])
    /// Lower than the switch's 4 MiB so that a "larger than one message" block stays cheap to
    /// build in a debug test; block sync's 1 MiB chunks fit either.
    static let maxMessageBytes = 2 << 20
    /// Whether a sender's message to a receiver on a channel is lost, to play a peer that goes silent.
    let drop = Mutex<[String: @Sendable (_ to: String, _ channel: UInt8, _ bytes: Bytes) -> Bool]>([:])
    /// Rewrites what a sender sends on a channel, to play a lying peer.
    let tamper = Mutex<[String: @Sendable (UInt8, Bytes) -> Bytes]>([:])

    func attach(_ id: String, _ driver: ConsensusDriver, evidence: EvidencePool? = nil) {
        pools.withLock { $0[id] = evidence }
        let others = drivers.withLock { current in
            current[id] = driver
            return current
        }
        for (otherID, other) in others where otherID != id {
            other.enqueue(.peerConnected(id))
            driver.enqueue(.peerConnected(otherID))
        }
        let pools = pools.withLock { $0 }
        for (otherID, pool) in pools where otherID != id {
            Task { await pool.peerConnected(id) }
            if let evidence { Task { await evidence.peerConnected(otherID) } }
        }
    }

    func detach(_ id: String) {
        let others = drivers.withLock { current in
            current[id] = nil
            return current
        }
        pools.withLock { $0[id] = nil }
        for other in others.values { other.enqueue(.peerDisconnected(id)) }
    }

    func endpoint(_ id: String) -> Endpoint { Endpoint(id: id, network: self) }

    fileprivate func deliver(from: String, to: String, channel: UInt8, bytes original: Bytes) {
        guard original.count <= Self.maxMessageBytes else {
            oversized.withLock { $0.append("\(from)->\(to) channel \(channel): \(original.count) bytes") }
            return
        }
        if drop.withLock({ $0[from] })?(to, channel, original) == true { return }
        let bytes = tamper.withLock { $0[from] }.map { $0(channel, original) } ?? original
        if channel == NodeChannel.evidence {
            if let pool = pools.withLock({ $0[to] }) { Task { await pool.receive(bytes, from: from) } }
            return
        }
        guard let target = drivers.withLock({ $0[to] }) else { return }
        target.enqueue(.peerMessage(peer: from, channel: channel, bytes: bytes))
    }

    fileprivate func everyone(except id: String) -> [String] {
        drivers.withLock { Array($0.keys) }.filter { $0 != id }
    }

    struct Endpoint: PeerNetwork {
        let id: String
        let network: LoopbackNetwork

        func send(to peer: String, channel: UInt8, bytes: Bytes) async {
            network.deliver(from: id, to: peer, channel: channel, bytes: bytes)
        }

        func broadcast(channel: UInt8, bytes: Bytes) async {
            for peer in network.everyone(except: id) {
                network.deliver(from: id, to: peer, channel: channel, bytes: bytes)
            }
        }

        func disconnect(peer: String, reason: String) async {
            network.disconnects.withLock { $0.append("\(id)->\(peer): \(reason)") }
        }
    }
}
