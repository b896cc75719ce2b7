import PalisadeCrypto
import PalisadeTypes

/// CometBFT's `DefaultNodeInfo`: who a node is on the p2p network. `/status` reports the node's
/// own, `/net_info` each peer's.
public struct NodeInfo: Sendable, Hashable {
    public struct ProtocolVersion: Sendable, Hashable {
        public var p2p: UInt64
        public var block: UInt64
        public var app: UInt64

        public init(p2p: UInt64 = 8, block: UInt64 = ConsensusVersion.blockProtocol, app: UInt64 = 0) {
            self.p2p = p2p
            self.block = block
            self.app = app
        }
    }

    public var protocolVersion: ProtocolVersion
    /// The node ID: lowercase hex of the node key's address.
    public var id: String
    public var listenAddress: String
    /// The chain ID.
    public var network: String
    /// The software version string.
    public var version: String
    /// The p2p channel IDs the node speaks, one byte each (shown as hex).
    public var channels: Bytes
    public var moniker: String
    /// `"on"` or `"off"`.
    public var txIndex: String
    public var rpcAddress: String

    public init(protocolVersion: ProtocolVersion = ProtocolVersion(), id: String, listenAddress: String, network: String,
                version: String, channels: Bytes = [], moniker: String, txIndex: String = "on", rpcAddress: String) {
        self.protocolVersion = protocolVersion
        self.id = id
        self.listenAddress = listenAddress
        self.network = network
        self.version = version
        self.channels = channels
        self.moniker = moniker
        self.txIndex = txIndex
        self.rpcAddress = rpcAddress
    }
}

/// Where the node's block store stands, and whether it is still catching up.
public struct SyncInfo: Sendable, Hashable {
    public var latestBlockHash: Bytes
    public var latestAppHash: Bytes
    public var latestBlockHeight: Int64
    public var latestBlockTime: Timestamp
    public var earliestBlockHash: Bytes
    public var earliestAppHash: Bytes
    public var earliestBlockHeight: Int64
    public var earliestBlockTime: Timestamp
    public var catchingUp: Bool

    public init(latestBlockHash: Bytes, latestAppHash: Bytes, latestBlockHeight: Int64, latestBlockTime: Timestamp,
                earliestBlockHash: Bytes, earliestAppHash: Bytes, earliestBlockHeight: Int64,
                earliestBlockTime: Timestamp, catchingUp: Bool) {
        self.latestBlockHash = latestBlockHash
        self.latestAppHash = latestAppHash
        self.latestBlockHeight = latestBlockHeight
        self.latestBlockTime = latestBlockTime
        self.earliestBlockHash = earliestBlockHash
        self.earliestAppHash = earliestAppHash
        self.earliestBlockHeight = earliestBlockHeight
        self.earliestBlockTime = earliestBlockTime
        self.catchingUp = catchingUp
    }
}

/// The node's own validator key and its power in the current set (0 when not a validator).
public struct ValidatorInfo: Sendable, Hashable {
    public var publicKey: Ed25519PublicKey
    public var votingPower: Int64

    public init(publicKey: Ed25519PublicKey, votingPower: Int64) {
        self.publicKey = publicKey
        self.votingPower = votingPower
    }

    public var address: Address { publicKey.address }
}

/// `/status`.
public struct NodeStatus: Sendable, Hashable {
    public var nodeInfo: NodeInfo
    public var syncInfo: SyncInfo
    public var validatorInfo: ValidatorInfo

    public init(nodeInfo: NodeInfo, syncInfo: SyncInfo, validatorInfo: ValidatorInfo) {
        self.nodeInfo = nodeInfo
        self.syncInfo = syncInfo
        self.validatorInfo = validatorInfo
    }
}

/// One connected peer, as `/net_info` lists it.
public struct PeerInfo: Sendable, Hashable {
    public var nodeInfo: NodeInfo
    public var isOutbound: Bool
    public var remoteIP: String
    /// How long the connection has been up, in nanoseconds.
    public var connectionDurationNanos: Int64

    public init(nodeInfo: NodeInfo, isOutbound: Bool, remoteIP: String, connectionDurationNanos: Int64 = 0) {
        self.nodeInfo = nodeInfo
        self.isOutbound = isOutbound
        self.remoteIP = remoteIP
        self.connectionDurationNanos = connectionDurationNanos
    }
}

/// `/net_info`.
public struct NetInfo: Sendable, Hashable {
    public var listening: Bool
    public var listeners: [String]
    public var peers: [PeerInfo]

    public init(listening: Bool, listeners: [String], peers: [PeerInfo]) {
        self.listening = listening
        self.listeners = listeners
        self.peers = peers
    }
}
