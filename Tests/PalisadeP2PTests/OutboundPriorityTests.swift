import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// Our own messages never wait behind what we relay for others, and relays share a connection
/// by channel priority (`OutboundQueue`, CometBFT's `MConnection` channel selection).
@Suite("Outbound priority")
struct OutboundPriorityTests {
    static func message(_ channel: ChannelID, _ tag: UInt8, size: Int = 100) -> OutboundQueue.Message {
        OutboundQueue.Message(channel: channel, bytes: [tag] + Bytes(repeating: 0, count: size - 1))
    }

    static func drain(_ queue: inout OutboundQueue) -> [OutboundQueue.Message] {
        var out: [OutboundQueue.Message] = []
        while let next = queue.pop() { out.append(next) }
        return out
    }

    @Test func ownMessagesLeaveBeforeRelaysQueuedEarlier() {
        var queue = OutboundQueue()
        for tag in 0..<5 { queue.push(Self.message(0x21, UInt8(tag)), priority: .relay) }
        queue.push(Self.message(0x22, 100), priority: .own)
        queue.push(Self.message(0x21, 101), priority: .own)
        let order = Self.drain(&queue).map { $0.bytes[0] }
        #expect(order == [100, 101, 0, 1, 2, 3, 4])
        #expect(queue.isEmpty)
    }

    @Test func relaysShareTheConnectionByChannelPriorityAndKeepTheirOrder() {
        // Block data weighs 10, the mempool 5: of equal-sized messages, data gets two of every three.
        var queue = OutboundQueue(priorities: [0x21: 10, 0x30: 5])
        for tag in 0..<30 {
            queue.push(Self.message(0x30, UInt8(tag)), priority: .relay)
            queue.push(Self.message(0x21, UInt8(tag)), priority: .relay)
        }
        let order = Self.drain(&queue)
        let firstThirty = order.prefix(30)
        #expect(firstThirty.count { $0.channel == 0x21 } == 20)
        #expect(firstThirty.count { $0.channel == 0x30 } == 10)
        // Within a channel, first in, first out (a proposal goes before its parts).
        for channel: ChannelID in [0x21, 0x30] {
            #expect(order.filter { $0.channel == channel }.map { $0.bytes[0] } == (0..<30).map { UInt8($0) })
        }
    }

    @Test func aBusyChannelDoesNotStarveAQuietOne() {
        var queue = OutboundQueue(priorities: [0x30: 5, 0x40: 1])
        for tag in 0..<200 { queue.push(Self.message(0x30, UInt8(truncatingIfNeeded: tag)), priority: .relay) }
        queue.push(Self.message(0x40, 7), priority: .relay)
        let order = Self.drain(&queue)
        let position = order.firstIndex { $0.channel == 0x40 }
        #expect(position.map { $0 < 10 } == true)
    }

    /// Through a real switch and socket: a peer that reads slowly has megabytes of relays queued
    /// when we send our own message; ours reaches it first. With one FIFO it would come last.
    @Test func ownMessageOvertakesRelaysQueuedForASlowPeer() async throws {
        let server = try await TestNode(seed: 311)
        defer { Task { await server.node.stop() } }
        let peerKey = makeNodeKey(312)
        let peer = try await P2PTransport().dial(host: "127.0.0.1", port: await server.node.listenPort,
                                                  expectedID: nil, nodeKey: peerKey)
        defer { Task { await peer.close() } }
        #expect(await eventually { await server.node.isConnected(peerKey.id) })
        // 400 × 64 KiB = 25 MiB: far more than the socket buffers on both sides hold, so most
        // of it is still in the switch's queue for the peer when our message comes.
        let relays = 400
        for index in 0..<relays {
            // Relayed block parts: the channel our message goes on too, so only its priority can
            // put it ahead (relays of one channel keep their order).
            await server.node.broadcast(channel: ChannelIDs.consensusData, bytes: payload(index: index, size: 64 << 10))
        }
        let own = Bytes("our proposal".utf8)
        #expect(await server.node.send(to: peerKey.id, channel: ChannelIDs.consensusData, bytes: own, priority: .own))
        var position = 0
        for try await message in peer.inbound {
            if message.bytes == own { break }
            position += 1
        }
        #expect(position < relays / 2, "our message arrived after \(position) relays")
    }
}
