import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// Misbehaving peers against a switch that also serves a good peer: each is disconnected with its
/// reason in the log, and the good peer keeps working in both directions after every one of them.
@Suite("Switch with bad peers")
struct SwitchBadPeerTests {
    /// The switch under test (`server`) and a well-behaved persistent peer of it (`good`).
    struct Pair {
        let server: TestNode
        let good: TestNode
        var round = 0

        static func make(seed: UInt64, configuration: SwitchConfiguration = fastSwitchConfiguration()) async throws -> Pair {
            let server = try await TestNode(seed: seed, configuration: configuration)
            let good = try await TestNode(seed: seed + 1, peers: [await server.address()])
            #expect(await eventually { await linked(server, good) })
            return Pair(server: server, good: good)
        }

        var port: Int { get async { await server.node.listenPort } }

        /// One message each way on the good connection, and a single connection on each side.
        mutating func checkGoodPeer() async {
            round += 1
            let byte = UInt8(truncatingIfNeeded: round)
            #expect(await server.node.send(to: good.id, channel: ChannelIDs.consensusVote, bytes: [byte]))
            #expect(await good.node.send(to: server.id, channel: ChannelIDs.mempool, bytes: [byte]))
            let (server, good, round) = (self.server, self.good, self.round)
            #expect(await eventually {
                good.messages(from: server.id).count == round && server.messages(from: good.id).count == round
            })
            #expect(good.connections(of: server.id) == 1)
            #expect(server.connections(of: good.id) == 1)
        }

        func stop() async {
            await server.node.stop()
            await good.node.stop()
        }
    }

    func expectLogged(_ node: TestNode, _ text: String) async {
        #expect(await eventually { node.log.lines.contains { $0.contains(text) } }, "log line containing \(text)")
    }

    @Test func garbageOversizedFramesForgedHandshakesAndCorruptFramesAreDropped() async throws {
        var pair = try await Pair.make(seed: 201)
        defer { Task { [pair] in await pair.stop() } }
        let port = await pair.port
        let server = pair.server
        await pair.checkGoodPeer()

        // Garbage instead of a hello.
        let garbage = try await ReadingClient(port: port)
        try await garbage.write(Bytes(repeating: 0x47, count: 64))
        try await garbage.waitClosed()
        await expectLogged(server, "bad magic 47474747")
        await pair.checkGoodPeer()

        // A well-formed hello, then an auth signed by another key than the one it presents.
        let impostor = try await ReadingClient(port: port)
        let serverHello = try await impostor.read(WireProtocol.helloSize)
        let forged = try ForgedPeer(seed: 202, peerHello: serverHello)
        let presented = makeNodeKey(203), signer = makeNodeKey(204)
        try await impostor.write(forged.hello + forged.seal(
            nodeKey: presented.publicKey, signature: forged.signature(by: signer, session: forged.keys)))
        try await impostor.waitClosed()
        await expectLogged(server, "node key signature over the transcript is invalid")
        await pair.checkGoodPeer()

        // An auth sealed under the wrong key (one flipped bit): it does not even decrypt.
        let tamperer = try await ReadingClient(port: port)
        let helloForTamperer = try await tamperer.read(WireProtocol.helloSize)
        let forgedAgain = try ForgedPeer(seed: 205, peerHello: helloForTamperer)
        var auth = forgedAgain.seal(nodeKey: presented.publicKey, signature: forgedAgain.signature(by: presented, session: forgedAgain.keys))
        auth[10] ^= 0x01
        try await tamperer.write(forgedAgain.hello + auth)
        try await tamperer.waitClosed()
        await expectLogged(server, "auth: message failed AEAD authentication")
        await pair.checkGoodPeer()

        // An authenticated peer announcing a frame over the limit is cut off before the body.
        let transport = P2PTransport()
        let oversized = try await transport.dial(host: "127.0.0.1", port: port, expectedID: server.id, nodeKey: makeNodeKey(206))
        try await oversized.writeRaw(FrameLength.encode(WireProtocol.defaultMaxMessageSize + 1000))
        await oversized.waitClosed()
        await expectLogged(server, "above limit")
        #expect(await eventually { server.disconnectReasons(of: makeNodeKey(206).id).first?.contains("above limit") == true })
        await pair.checkGoodPeer()

        // A valid handshake followed by a frame that fails authentication.
        let corrupt = try await transport.dial(host: "127.0.0.1", port: port, expectedID: server.id, nodeKey: makeNodeKey(207))
        try await corrupt.writeRaw(FrameLength.encode(40) + Bytes(repeating: 0xA5, count: 40))
        await corrupt.waitClosed()
        await expectLogged(server, "frame 2: AEAD authentication failed")
        await pair.checkGoodPeer()

        // A control message the switch does not know.
        let confused = try await transport.dial(host: "127.0.0.1", port: port, expectedID: server.id, nodeKey: makeNodeKey(208))
        try await confused.send(channel: ChannelIDs.control, bytes: [0x09])
        await confused.waitClosed()
        #expect(await eventually { server.disconnectReasons(of: makeNodeKey(208).id) == ["unknown control message 09"] })
        await expectLogged(server, "unknown control message 09")
        await pair.checkGoodPeer()

        #expect(await server.node.peers.map(\.id) == [pair.good.id])
    }

    /// A peer that stops reading: its socket buffers fill, then its send queue; the switch drops
    /// it instead of buffering without bound, and the good peer is unaffected.
    @Test(.timeLimit(.minutes(2))) func aPeerThatDoesNotReadIsDisconnectedWhenItsSendQueueIsFull() async throws {
        var pair = try await Pair.make(seed: 301, configuration: fastSwitchConfiguration(sendQueueLimit: 8))
        defer { Task { [pair] in await pair.stop() } }
        let server = pair.server
        let stalled = try await P2PTransport().dial(host: "127.0.0.1", port: await pair.port, expectedID: server.id,
                                                    nodeKey: makeNodeKey(303))
        defer { Task { await stalled.close() } }
        let stalledID = makeNodeKey(303).id
        #expect(await eventually { await server.node.isConnected(stalledID) })

        let block = Bytes(repeating: 0x5A, count: 64 * 1024)
        var sent = 0
        while await server.node.send(to: stalledID, channel: ChannelIDs.consensusData, bytes: block) {
            sent += 1
            await Task.yield()
        }
        #expect(sent >= 8)
        await expectLogged(server, "send queue full")
        #expect(await eventually { server.disconnectReasons(of: stalledID).first?.contains("send queue full") == true })
        await pair.checkGoodPeer()
    }

    /// A peer that completes the handshake and then neither reads nor answers pings is dropped by
    /// the keepalive, while the good peer, which answers, stays.
    @Test func aSilentPeerIsDroppedByTheKeepalive() async throws {
        var pair = try await Pair.make(seed: 401, configuration: fastSwitchConfiguration(
            pingInterval: .milliseconds(100), idleTimeout: .seconds(10)))
        defer { Task { [pair] in await pair.stop() } }
        let server = pair.server
        let silentKey = makeNodeKey(403)
        let silent = try await P2PTransport(configuration: P2PConfiguration(inboundBufferLimit: 1))
            .dial(host: "127.0.0.1", port: await pair.port, expectedID: server.id, nodeKey: silentKey)
        defer { Task { await silent.close() } }
        await silent.waitClosed()
        #expect(await eventually { server.disconnectReasons(of: silentKey.id).first?.contains("keepalive") == true })
        await expectLogged(server, "keepalive")
        await pair.checkGoodPeer()
        #expect(await server.node.peers.map(\.id) == [pair.good.id])
    }
}
