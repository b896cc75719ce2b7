import PalisadeP2P

/// What `palisade init` is told beyond the defaults, for a node that joins a running network
/// rather than starting a chain of its own: the network's genesis, the peers to dial, and the
/// addresses to listen on (a second node on one host needs ports of its own). So a full node is
/// `palisade init --genesis G --persistent-peers P` and `palisade start`, with no file edited by hand.
public struct InitOptions: Sendable, Hashable {
    /// A genesis file of the network to join. It is copied byte for byte, not re-encoded: the
    /// file is the network's, and an operator comparing it (or its hash) with the one the
    /// validators run must find it identical.
    public var genesisFile: String?
    /// `[p2p] persistent_peers` for the new `config.toml`.
    public var persistentPeers: [PeerAddress] = []
    /// `[p2p] laddr`, when not CometBFT's default.
    public var p2pLaddr: ListenAddress?
    /// `[rpc] laddr`, when not CometBFT's default.
    public var rpcLaddr: ListenAddress?

    public init(genesisFile: String? = nil, persistentPeers: [PeerAddress] = [], p2pLaddr: ListenAddress? = nil,
                rpcLaddr: ListenAddress? = nil) {
        self.genesisFile = genesisFile
        self.persistentPeers = persistentPeers
        self.p2pLaddr = p2pLaddr
        self.rpcLaddr = rpcLaddr
    }

    /// Whether any option goes into `config.toml`: an existing file is the operator's and is
    /// kept, so such options are refused rather than silently dropped.
    var changesConfig: Bool { !persistentPeers.isEmpty || p2pLaddr != nil || rpcLaddr != nil }

    func apply(to config: inout NodeConfig) {
        config.p2p.persistentPeers = persistentPeers
        if let p2pLaddr { config.p2p.laddr = p2pLaddr }
        if let rpcLaddr { config.rpc.laddr = rpcLaddr }
    }
}
