import Foundation
import PalisadeCrypto
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// Who a node is and what it speaks, sent by both sides as the first message after the secret
/// handshake (WIRE-FORMAT.md §3a; CometBFT's `DefaultNodeInfo`, in our own encoding). The
/// handshake proves the node key; this says which chain the node is on, so a peer of another
/// chain or block protocol is turned away before any of its messages are read, and `net_info`
/// shows what the peer calls itself and where it listens.
public struct NodeInfo: Sendable, Equatable {
    public struct ProtocolVersion: Sendable, Equatable {
        public var p2p: UInt64
        public var block: UInt64
        public var app: UInt64

        public init(p2p: UInt64 = UInt64(WireProtocol.version), block: UInt64 = ConsensusVersion.blockProtocol,
                    app: UInt64 = 0) {
            self.p2p = p2p
            self.block = block
            self.app = app
        }
    }

    public var protocolVersion: ProtocolVersion
    /// Lower-case hex node ID; must be the one the handshake authenticated.
    public var nodeID: String
    /// Where the node accepts peers (`host:port`); for an inbound peer, unlike its socket's
    /// remote address, the address to dial it back.
    public var listenAddress: String
    /// The chain ID.
    public var network: String
    /// The software version.
    public var version: String
    /// The channels the node reads.
    public var channels: Bytes
    public var moniker: String
    public var rpcAddress: String

    public init(protocolVersion: ProtocolVersion = ProtocolVersion(), nodeID: String, listenAddress: String = "",
                network: String = "", version: String = "", channels: Bytes = [], moniker: String = "",
                rpcAddress: String = "") {
        self.protocolVersion = protocolVersion
        self.nodeID = nodeID
        self.listenAddress = listenAddress
        self.network = network
        self.version = version
        self.channels = channels
        self.moniker = moniker
        self.rpcAddress = rpcAddress
    }

    /// CometBFT's limit on an encoded node info; a larger one is refused undecoded.
    public static let maxSize = 10_240

    /// Why a node with this info cannot be our peer, or nil (CometBFT's `CompatibleWith`): it
    /// must speak our block protocol, be on our network, and read at least one channel we read.
    public func incompatibility(with ours: NodeInfo) -> String? {
        if protocolVersion.block != ours.protocolVersion.block {
            return "block protocol \(protocolVersion.block), ours is \(ours.protocolVersion.block)"
        }
        if network != ours.network { return "network (chain ID) \"\(network)\", ours is \"\(ours.network)\"" }
        if !ours.channels.isEmpty, !channels.isEmpty, Set(channels).isDisjoint(with: ours.channels) {
            return "no channel in common (\(channels.hex), ours \(ours.channels.hex))"
        }
        return nil
    }

    func encoded() -> Bytes {
        var version = Palisade_P2p_ProtocolVersion()
        version.p2P = protocolVersion.p2p
        version.block = protocolVersion.block
        version.app = protocolVersion.app
        var message = Palisade_P2p_NodeInfo()
        message.protocolVersion = version
        message.nodeID = nodeID
        message.listenAddr = listenAddress
        message.network = network
        message.version = self.version
        message.channels = Data(channels)
        message.moniker = moniker
        message.rpcAddress = rpcAddress
        return CanonicalEncoding.encode(message)
    }

    init(decoding bytes: Bytes) throws(P2PError) {
        guard bytes.count <= Self.maxSize else { throw .badNodeInfo("\(bytes.count) bytes, above \(Self.maxSize)") }
        let message: Palisade_P2p_NodeInfo
        do { message = try Palisade_P2p_NodeInfo(serializedBytes: bytes) } catch {
            throw .badNodeInfo("not a valid protobuf message")
        }
        self.init(protocolVersion: ProtocolVersion(p2p: message.protocolVersion.p2P, block: message.protocolVersion.block,
                                                   app: message.protocolVersion.app),
                  nodeID: message.nodeID, listenAddress: message.listenAddr, network: message.network,
                  version: message.version, channels: Bytes(message.channels), moniker: message.moniker,
                  rpcAddress: message.rpcAddress)
    }
}
