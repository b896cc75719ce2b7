import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// What a hostile peer can make the switch hold, and what it loses by misbehaving: its share of
/// the inbound budget while the consumer is slow, its channels' size limits, bans, and the
/// outbound limit. The attacker is the real transport dialling with a key of its own.
@Suite("Switch back-pressure and limits")
struct SwitchBackPressureTests {
    /// A connection to `server` and the attacker's own node ID (the connection's `peerID` is the server's).
    static func attack(_ server: TestNode, seed: UInt64) async throws -> (PeerConnection, String) {
        let connection = try await P2PTransport().dial(host: "127.0.0.1", port: await server.node.listenPort,
                                                       expectedID: nil, nodeKey: makeNodeKey(seed))
        return (connection, makeNodeKey(seed).id)
    }

    @Test func aPeerFloodingASlowConsumerHoldsNoMoreThanItsShare() async throws {
        let share = 1 << 20
        let size = 64 << 10
        var configuration = fastSwitchConfiguration()
        configuration.inboundLimits = InboundBudget.Limits(bytesPerPeer: share)
        let server = try await TestNode(seed: 301, configuration: configuration, holdingMessages: true)
        defer { Task { await server.node.stop() } }
        let (attacker, attackerID) = try await Self.attack(server, seed: 302)
        let count = 48  // three shares
        let flood = Task {
            for index in 0..<count {
                try await attacker.send(channel: ChannelIDs.consensusData, bytes: Bytes(repeating: UInt8(index), count: size))
            }
        }
        defer { flood.cancel() }
        let budget = server.node.inboundBudget
        // The consumer has handled nothing: the attacker fills its share and is read no further.
        #expect(await eventually { budget.bytes(of: attackerID) >= share })
        // Handling resumes: everything arrives, in order, and the share was never exceeded by
        // more than one message.
        #expect(await eventually {
            server.releaseMessages()
            return server.messages(from: attackerID).count == count
        })
        #expect(server.messages(from: attackerID).map { $0.bytes[0] } == (0..<count).map { UInt8($0) })
        #expect(budget.usage.peakPeerBytes <= share + size, "peak \(budget.usage.peakPeerBytes)")
        #expect(budget.usage.peakPeerBytes >= share)
        await attacker.close()
    }

    @Test func aMessageAboveItsChannelLimitOrOnAnUnknownChannelDisconnectsBeforeItIsQueued() async throws {
        var configuration = fastSwitchConfiguration()
        configuration.channelMessageLimits = [ChannelIDs.consensusState: 100, ChannelIDs.consensusVote: 1_000]
        let server = try await TestNode(seed: 311, configuration: configuration)
        defer { Task { await server.node.stop() } }

        let (large, largeID) = try await Self.attack(server, seed: 312)
        try await large.send(channel: ChannelIDs.consensusState, bytes: Bytes(repeating: 1, count: 100))
        try await large.send(channel: ChannelIDs.consensusState, bytes: Bytes(repeating: 2, count: 101))
        await large.waitClosed()
        #expect(await eventually {
            server.disconnectReasons(of: largeID).contains { $0.contains("101 bytes on channel 32, above its limit 100") }
        })
        #expect(server.messages(from: largeID).map(\.bytes.count) == [100])

        let (unknown, unknownID) = try await Self.attack(server, seed: 313)
        try await unknown.send(channel: ChannelIDs.mempool, bytes: [1])
        await unknown.waitClosed()
        #expect(await eventually {
            server.disconnectReasons(of: unknownID).contains { $0.contains("unknown channel 48") }
        })
        #expect(server.messages(from: unknownID).isEmpty)
    }

    @Test func aBannedPeerIsRefusedButAPersistentPeerIsNot() async throws {
        let friend = try await TestNode(seed: 322)
        let server = try await TestNode(seed: 321, peers: [await friend.address()])
        defer { Task { await server.node.stop(); await friend.node.stop() } }
        #expect(await eventually { await linked(server, friend) })

        let (attacker, attackerID) = try await Self.attack(server, seed: 323)
        #expect(await eventually { await server.node.isConnected(attackerID) })
        await server.node.ban(peer: attackerID, reason: "sent an invalid vote")
        await attacker.waitClosed()
        #expect(await server.node.isBanned(attackerID))
        // Its next connection passes the handshake and is closed at once.
        let (again, _) = try await Self.attack(server, seed: 323)
        await again.waitClosed()
        #expect(await eventually { server.log.lines.contains { $0.contains("\(attackerID)") && $0.contains("banned for misbehaviour") } })
        #expect(server.connections(of: attackerID) == 1)

        // A persistent peer is dropped but not banned: it is redialled.
        await server.node.ban(peer: friend.id, reason: "test")
        #expect(await server.node.isBanned(friend.id) == false)
        #expect(await eventually {
            guard server.connections(of: friend.id) == 2 else { return false }
            return await linked(server, friend)
        })
    }

    @Test func outboundPeersThatAreNotPersistentAreLimited() async throws {
        let target = try await TestNode(seed: 332)
        let other = try await TestNode(seed: 333)
        var configuration = fastSwitchConfiguration()
        configuration.maxOutboundPeers = 1
        let server = try await TestNode(seed: 331, configuration: configuration)
        defer { Task { await server.node.stop(); await target.node.stop(); await other.node.stop() } }
        #expect(try await server.node.connect(to: await target.address()))
        #expect(try await server.node.connect(to: await other.address()) == false)
        #expect(await server.node.isConnected(other.id) == false)
        #expect(server.log.lines.contains { $0.contains("1 outbound peers already, the maximum") })
    }
}
