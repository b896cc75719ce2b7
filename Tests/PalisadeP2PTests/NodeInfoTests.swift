import PalisadeCrypto
@testable import PalisadeP2P
import Testing

/// The exchange that follows the handshake: each side learns the other's moniker, listen address
/// and versions, and a peer of another chain or block protocol never becomes a peer.
@Suite("Node info exchange")
struct NodeInfoTests {
    static func info(moniker: String, network: String = "chain-a", block: UInt64 = 11, port: Int = 0) -> NodeInfo {
        NodeInfo(protocolVersion: NodeInfo.ProtocolVersion(block: block), nodeID: "", listenAddress: "tcp://127.0.0.1:\(port)",
                 network: network, version: "test", channels: [0x20, 0x21], moniker: moniker)
    }

    @Test func peersSeeEachOthersMonikerListenAddressAndVersions() async throws {
        let port = try await freePort()
        let server = try await TestNode(seed: 401, port: port, nodeInfo: Self.info(moniker: "server", port: port))
        let client = try await TestNode(seed: 402, peers: [await server.address()],
                                        nodeInfo: Self.info(moniker: "client", port: 9))
        defer { Task { await server.node.stop(); await client.node.stop() } }
        #expect(await eventually { await linked(server, client) })
        let seenByServer = try #require(await server.node.peers.first)
        #expect(seenByServer.nodeInfo.moniker == "client")
        #expect(seenByServer.nodeInfo.listenAddress == "tcp://127.0.0.1:9")
        #expect(seenByServer.nodeInfo.nodeID == client.id)
        #expect(seenByServer.nodeInfo.network == "chain-a")
        let seenByClient = try #require(await client.node.peers.first)
        #expect(seenByClient.nodeInfo.moniker == "server")
        #expect(seenByClient.nodeInfo.listenAddress == "tcp://127.0.0.1:\(port)")
    }

    @Test func aPeerOfAnotherChainOrBlockProtocolIsClosedWithAClearLogLine() async throws {
        let server = try await TestNode(seed: 411, nodeInfo: Self.info(moniker: "server"))
        let otherChain = try await TestNode(seed: 412, peers: [await server.address()],
                                            nodeInfo: Self.info(moniker: "stranger", network: "chain-b"))
        let otherProtocol = try await TestNode(seed: 413, peers: [await server.address()],
                                               nodeInfo: Self.info(moniker: "old", block: 10))
        defer { Task { await server.node.stop(); await otherChain.node.stop(); await otherProtocol.node.stop() } }
        #expect(await eventually {
            server.log.lines.contains { $0.contains(otherChain.id) && $0.contains("incompatible peer: network (chain ID) \"chain-b\", ours is \"chain-a\"") }
        })
        #expect(await eventually {
            server.log.lines.contains { $0.contains(otherProtocol.id) && $0.contains("incompatible peer: block protocol 10, ours is 11") }
        })
        #expect(server.connections(of: otherChain.id) == 0 && server.connections(of: otherProtocol.id) == 0)
        #expect(otherChain.log.lines.contains { $0.contains("incompatible peer") })
    }

    @Test func theFirstMessageMustBeANodeInfoNamingTheAuthenticatedNode() throws {
        let ours = Self.info(moniker: "a")
        var forged = Self.info(moniker: "b")
        forged.nodeID = "00"
        let decoded = try NodeInfo(decoding: forged.encoded())
        #expect(decoded == forged)
        #expect(decoded.incompatibility(with: ours) == nil)
        #expect(throws: P2PError.self) { try NodeInfo(decoding: [0xFF, 0xFF, 0xFF]) }
        #expect(throws: P2PError.self) { try NodeInfo(decoding: Bytes(repeating: 0, count: NodeInfo.maxSize + 1)) }
        var disjoint = Self.info(moniker: "c")
        disjoint.channels = [0x99]
        #expect(disjoint.incompatibility(with: ours)?.contains("no channel in common") == true)
    }
}
