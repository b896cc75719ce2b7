import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// Switches on real sockets (127.0.0.1, port 0). No timing assertions: every wait is for an
/// outcome, with a generous deadline that only guards against a hang.
@Suite("Switch")
struct SwitchTests {
    @Test func twoSwitchesConnectAndExchangeMessagesOnChannels() async throws {
        let b = try await TestNode(seed: 11)
        let a = try await TestNode(seed: 12, peers: [await b.address()])
        defer { Task { await a.node.stop(); await b.node.stop() } }
        #expect(await eventually { await linked(a, b) })

        #expect(await a.node.send(to: b.id, channel: ChannelIDs.consensusVote, bytes: [1, 2, 3]))
        #expect(await b.node.send(to: a.id, channel: ChannelIDs.mempool, bytes: [4]))
        await a.node.broadcast(channel: ChannelIDs.evidence, bytes: [5, 6])
        #expect(await eventually { b.messages(from: a.id).count == 2 && a.messages(from: b.id).count == 1 })
        #expect(b.messages(from: a.id) == [InboundMessage(channel: ChannelIDs.consensusVote, bytes: [1, 2, 3]),
                                           InboundMessage(channel: ChannelIDs.evidence, bytes: [5, 6])])
        #expect(a.messages(from: b.id) == [InboundMessage(channel: ChannelIDs.mempool, bytes: [4])])

        let fromA = try #require(await a.node.peers.first)
        #expect(fromA.id == b.id && fromA.isOutbound && fromA.isPersistent)
        #expect(fromA.remoteAddress == "127.0.0.1:\(await b.node.listenPort)")
        let fromB = try #require(await b.node.peers.first)
        #expect(fromB.id == a.id && !fromB.isOutbound && !fromB.isPersistent)
    }

    @Test func threeSwitchesFormAMeshAndBroadcastSkipsTheExcludedPeer() async throws {
        let c = try await TestNode(seed: 21)
        let b = try await TestNode(seed: 22, peers: [await c.address()])
        let a = try await TestNode(seed: 23, peers: [await b.address(), await c.address()])
        defer { Task { await a.node.stop(); await b.node.stop(); await c.node.stop() } }
        #expect(await eventually {
            let counts = [await a.node.peers.count, await b.node.peers.count, await c.node.peers.count]
            return counts == [2, 2, 2]
        })

        await a.node.broadcast(channel: ChannelIDs.consensusData, bytes: [7], except: c.id)
        await b.node.broadcast(channel: ChannelIDs.consensusState, bytes: [8])
        #expect(await eventually {
            b.messages(from: a.id).count == 1 && a.messages(from: b.id).count == 1 && c.messages(from: b.id).count == 1
        })
        #expect(b.messages(from: a.id) == [InboundMessage(channel: ChannelIDs.consensusData, bytes: [7])])
        #expect(c.messages(from: b.id) == [InboundMessage(channel: ChannelIDs.consensusState, bytes: [8])])
        // a's broadcast excluded c.
        #expect(c.messages(from: a.id).isEmpty)
    }

    @Test func aRestartedPeerIsRedialled() async throws {
        let b = try await TestNode(seed: 31)
        let port = await b.node.listenPort
        let a = try await TestNode(seed: 32, peers: [await b.address()])
        defer { Task { await a.node.stop() } }
        #expect(await eventually { await a.isConnected(to: b.id) })

        await b.node.stop()
        // A redial can reach b's listener in the moment before it closes, so a may see b come
        // and go more than once while it stops.
        #expect(await eventually { a.disconnectReasons(of: b.id).count >= 1 })
        let restarted = try await TestNode(seed: 31, port: port)
        defer { Task { await restarted.node.stop() } }
        #expect(await eventually { a.connections(of: b.id) >= 2 && restarted.connections(of: a.id) == 1 })
        #expect(await a.node.send(to: b.id, channel: ChannelIDs.consensusVote, bytes: [9]))
        #expect(await eventually { restarted.messages(from: a.id) == [InboundMessage(channel: ChannelIDs.consensusVote, bytes: [9])] })
    }

    @Test func aPeerWithAnotherIDIsDroppedAndRetried() async throws {
        let b = try await TestNode(seed: 41)
        let wrongID = makeNodeKey(42).id
        let a = try await TestNode(seed: 43, peers: [PeerAddress(id: wrongID, host: "127.0.0.1", port: await b.node.listenPort)])
        defer { Task { await a.node.stop(); await b.node.stop() } }
        let expected = "peer ID \(b.id), dialled \(wrongID)"
        #expect(await eventually { a.log.lines.count { $0.contains("dialling persistent peer") && $0.contains(expected) } >= 2 })
        #expect(await a.node.peers.isEmpty)
        #expect(a.events.isEmpty)
    }

    @Test func simultaneousDialsCollapseToOneConnection() async throws {
        let (portA, portB) = (try await freePort(), try await freePort())
        let keyA = makeNodeKey(51), keyB = makeNodeKey(52)
        let addressA = PeerAddress(id: keyA.id, host: "127.0.0.1", port: portA)
        let addressB = PeerAddress(id: keyB.id, host: "127.0.0.1", port: portB)
        async let startA = TestNode(seed: 51, port: portA, peers: [addressB])
        async let startB = TestNode(seed: 52, port: portB, peers: [addressA])
        let (a, b) = try await (startA, startB)
        defer { Task { await a.node.stop(); await b.node.stop() } }

        // Both keep the same connection: outbound on one side, inbound on the other.
        #expect(await eventually {
            let (fromA, fromB) = (await a.node.peers, await b.node.peers)
            return fromA.count == 1 && fromB.count == 1 && fromA[0].isOutbound != fromB[0].isOutbound
        })
        #expect(await a.node.send(to: b.id, channel: 1, bytes: [1]))
        #expect(await b.node.send(to: a.id, channel: 2, bytes: [2]))
        #expect(await eventually { a.messages(from: b.id).count == 1 && b.messages(from: a.id).count == 1 })
        // Which connection survives depends on whether both dials landed: when they did, both
        // sides keep the one dialled by the lower ID; when one side's first dial found the other
        // not yet listening, the other's connection is the only one and a persistent peer that is
        // connected is not dialled again. Either way it is one connection, seen from both ends.
        try await Task.sleep(for: .milliseconds(400))
        let (fromA, fromB) = (await a.node.peers, await b.node.peers)
        #expect(fromA.count == 1 && fromB.count == 1 && fromA.first?.isOutbound != fromB.first?.isOutbound)
    }

    @Test func aSecondConnectionWithTheSamePeerIDCollapses() async throws {
        let b = try await TestNode(seed: 61)
        let a = try await TestNode(seed: 62, peers: [await b.address()])
        defer { Task { await a.node.stop(); await b.node.stop() } }
        #expect(await eventually { await linked(a, b) })

        // Someone holding a's key dials b again: b ends with one connection to a, not two.
        let transport = P2PTransport()
        let extra = try await transport.dial(host: "127.0.0.1", port: await b.node.listenPort, expectedID: b.id, nodeKey: a.key)
        defer { Task { await extra.close() } }
        #expect(await eventually { b.log.lines.contains { $0.contains(a.id) && ($0.contains("older connection") || $0.contains("already connected")) } })
        #expect(await b.node.peers.count { $0.id == a.id } == 1)
        #expect(await eventually { await linked(a, b) })
    }

    @Test func selfConnectionsAreRejected() async throws {
        let port = try await freePort()
        let key = makeNodeKey(71)
        let a = try await TestNode(seed: 71, port: port, peers: [PeerAddress(id: key.id, host: "127.0.0.1", port: port)])
        defer { Task { await a.node.stop() } }
        #expect(a.log.lines.contains { $0.contains("is this node") })
        let mirror = try await P2PTransport().dial(host: "127.0.0.1", port: port, expectedID: key.id, nodeKey: key)
        await mirror.waitClosed()
        #expect(await eventually { a.log.lines.contains { $0.contains("connection to self") } })
        #expect(await a.node.peers.isEmpty)
    }

    @Test func inboundPeersBeyondTheLimitAreRefused() async throws {
        let a = try await TestNode(seed: 81, configuration: fastSwitchConfiguration(maxInboundPeers: 1))
        defer { Task { await a.node.stop() } }
        let port = await a.node.listenPort
        let first = try await P2PTransport().dial(host: "127.0.0.1", port: port, expectedID: a.id, nodeKey: makeNodeKey(82))
        defer { Task { await first.close() } }
        #expect(await eventually { await a.node.peers.count == 1 })
        let second = try await P2PTransport().dial(host: "127.0.0.1", port: port, expectedID: a.id, nodeKey: makeNodeKey(83))
        await second.waitClosed()
        #expect(await eventually { a.log.lines.contains { $0.contains("inbound peers already, the maximum") } })
        #expect(await a.node.peers.map(\.id) == [makeNodeKey(82).id])
    }

    @Test func disconnectDropsThePeerWithTheReasonAndAPersistentPeerComesBack() async throws {
        let b = try await TestNode(seed: 91)
        let a = try await TestNode(seed: 92, peers: [await b.address()])
        defer { Task { await a.node.stop(); await b.node.stop() } }
        #expect(await eventually { await a.isConnected(to: b.id) })
        await a.node.disconnect(peer: b.id, reason: "vote with an invalid signature")
        #expect(a.log.lines.contains { $0.contains("vote with an invalid signature") })
        #expect(await eventually { a.disconnectReasons(of: b.id) == ["vote with an invalid signature"] })
        #expect(await eventually { a.connections(of: b.id) == 2 })
    }

    @Test func sendIsRefusedForUnknownPeersTheControlChannelAndOversizedMessages() async throws {
        let b = try await TestNode(seed: 101)
        let a = try await TestNode(seed: 102, peers: [await b.address()])
        defer { Task { await a.node.stop(); await b.node.stop() } }
        #expect(await eventually { await a.isConnected(to: b.id) })
        #expect(await !a.node.send(to: makeNodeKey(103).id, channel: 1, bytes: [1]))
        #expect(await !a.node.send(to: b.id, channel: ChannelIDs.control, bytes: Keepalive.ping))
        #expect(await !a.node.send(to: b.id, channel: 1, bytes: Bytes(repeating: 0, count: WireProtocol.defaultMaxMessageSize + 1)))
        #expect(await a.isConnected(to: b.id))
    }

    @Test func stopReportsEveryPeerAndEndsTheEvents() async throws {
        let b = try await TestNode(seed: 111)
        let a = try await TestNode(seed: 112, peers: [await b.address()])
        defer { Task { await b.node.stop() } }
        #expect(await eventually { await a.isConnected(to: b.id) })
        await a.node.stop()
        #expect(await eventually { a.disconnectReasons(of: b.id) == ["switch stopped"] })
        var iterator = a.node.events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }
}
