import PalisadeABCISocket
import PalisadeConsensus
import PalisadeMempool
import PalisadeP2P

/// The node's `config/config.toml`: the part of CometBFT's configuration Palisade implements, with
/// CometBFT's section and key names and defaults, so an operator's file means the same thing here.
/// Durations are whole milliseconds (written as Go durations, "1s", in the file); paths are as
/// written, relative to the home directory unless absolute (`NodeHome` resolves them).
public struct NodeConfig: Sendable, Hashable {
    /// `moniker`: a human-readable name for this node, shown in `/status`.
    public var moniker: String = "anonymous"
    /// `proxy_app`: the application, built in or reached over an ABCI socket.
    public var proxyApp: ProxyApp = .kvstore
    /// `genesis_file`
    public var genesisFile: String = "config/genesis.json"
    /// `priv_validator_key_file`
    public var privValidatorKeyFile: String = "config/priv_validator_key.json"
    /// `priv_validator_state_file`: the double-sign guard's memory; lives with the data.
    public var privValidatorStateFile: String = "data/priv_validator_state.json"
    /// `priv_validator_laddr`: when set, the validator signs through a remote signer that dials
    /// in here (`tcp://host:port` or `unix://path`, CometBFT's privval protocol); the key file
    /// is then not used for signing.
    public var privValidatorLaddr: ABCIAddress?
    /// `node_key_file`: the peer-to-peer identity.
    public var nodeKeyFile: String = "config/node_key.json"
    /// `db_dir`: where block, state and app databases live.
    public var dbDir: String = "data"
    /// `log_level`: a level ("info") or per-module levels ("consensus:debug,*:info"), checked
    /// by `LogLevelFilter` when loaded.
    public var logLevel: String = "info"
    /// `log_format`: "plain" lines for people, or one JSON object a line.
    public var logFormat: LogFormat = .plain

    public var rpc = RPCConfig()
    public var p2p = P2PConfig()
    /// `[mempool]` limits (`size`, `max_txs_bytes`, `cache_size`, `max_tx_bytes`, `recheck`,
    /// `keep-invalid-txs-in-cache`).
    public var mempool: MempoolConfig = .default
    /// `[mempool] broadcast`: whether transactions are gossiped to peers.
    public var mempoolBroadcast: Bool = true
    public var consensus = ConsensusConfig()
    public var txIndex = TxIndexConfig()
    public var instrumentation = InstrumentationConfig()
    public var storage = StorageConfig()
    public var kvstore = KVStoreConfig()
    public var stateSync = StateSyncConfig()
    public var staking = StakingConfig()

    public init() {}

    /// CometBFT's defaults, with `proxy_app` naming the built-in kvstore.
    public static let `default` = NodeConfig()
}

/// `[rpc]`: the JSON-RPC server and its limits.
public struct RPCConfig: Sendable, Hashable {
    /// `laddr`
    public var laddr = ListenAddress(host: "127.0.0.1", port: 26657)
    /// `max_open_connections`: simultaneous HTTP and WebSocket connections; 0 means no limit.
    public var maxOpenConnections: Int = 900
    /// `max_subscription_clients`: WebSocket clients that may hold subscriptions.
    public var maxSubscriptionClients: Int = 100
    /// `max_subscriptions_per_client`
    public var maxSubscriptionsPerClient: Int = 5
    /// `max_body_bytes`: the largest request body.
    public var maxBodyBytes: Int = 1_000_000
    /// `max_header_bytes`: the largest request head (request line and headers).
    public var maxHeaderBytes: Int = 1_048_576
    /// `timeout_broadcast_tx_commit`, in milliseconds: how long `broadcast_tx_commit` waits for the block.
    public var timeoutBroadcastTxCommit: Int64 = 10_000
    /// `unsafe`: serve the unsafe methods (`dial_peers`, `unsafe_flush_mempool`).
    public var unsafe: Bool = false

    public init() {}
}

/// `[p2p]`: the peer-to-peer listener and the peers to keep connected.
public struct P2PConfig: Sendable, Hashable {
    /// `laddr`
    public var laddr = ListenAddress(host: "0.0.0.0", port: 26656)
    /// `persistent_peers`: `id@host:port` entries, comma-separated in the file; always redialled.
    public var persistentPeers: [PeerAddress] = []
    /// `persistent_peers_max_dial_period`, in milliseconds: the cap on the redial backoff; 0 means
    /// exponential backoff without a cap.
    public var persistentPeersMaxDialPeriod: Int64 = 0
    /// `dial_timeout`, in milliseconds.
    public var dialTimeout: Int64 = 3000
    /// `handshake_timeout`, in milliseconds.
    public var handshakeTimeout: Int64 = 20_000
    /// `max_num_inbound_peers`: authenticated inbound peers that are not persistent peers, at
    /// most (CometBFT's default, 40). Connections still in their handshake are bounded apart.
    public var maxNumInboundPeers: Int = 40
    /// `max_num_outbound_peers`: peers we dial that are not persistent peers, at most (CometBFT's
    /// default, 10). Persistent peers are always dialled, as in CometBFT.
    public var maxNumOutboundPeers: Int = 10

    public init() {}
}

/// `[consensus]`: the round timeouts (paper, "Timeouts") and block production, in milliseconds.
public struct ConsensusConfig: Sendable, Hashable {
    /// `wal_file`: the consensus write-ahead log, relative to the home directory.
    public var walFile: String = "data/cs.wal/wal"
    public var timeoutPropose: Int64 = 3000
    public var timeoutProposeDelta: Int64 = 500
    public var timeoutPrevote: Int64 = 1000
    public var timeoutPrevoteDelta: Int64 = 500
    public var timeoutPrecommit: Int64 = 1000
    public var timeoutPrecommitDelta: Int64 = 500
    public var timeoutCommit: Int64 = 1000
    /// `skip_timeout_commit`: start the next height as soon as precommits from every validator
    /// are in, instead of after `timeout_commit`.
    public var skipTimeoutCommit: Bool = false
    /// `create_empty_blocks`: false makes a new height wait for transactions (see
    /// `BlockProduction`).
    public var createEmptyBlocks: Bool = true
    /// `create_empty_blocks_interval`, in milliseconds: when not 0, a new height waits at most this
    /// long for transactions, then makes a block anyway (with `create_empty_blocks` on or off).
    public var createEmptyBlocksInterval: Int64 = 0

    public init() {}

    /// The timeouts as the consensus core takes them.
    public var timeoutConfig: TimeoutConfig {
        get {
            var t = TimeoutConfig()
            t.timeoutPropose = timeoutPropose
            t.timeoutProposeDelta = timeoutProposeDelta
            t.timeoutPrevote = timeoutPrevote
            t.timeoutPrevoteDelta = timeoutPrevoteDelta
            t.timeoutPrecommit = timeoutPrecommit
            t.timeoutPrecommitDelta = timeoutPrecommitDelta
            t.timeoutCommit = timeoutCommit
            return t
        }
        set {
            timeoutPropose = newValue.timeoutPropose
            timeoutProposeDelta = newValue.timeoutProposeDelta
            timeoutPrevote = newValue.timeoutPrevote
            timeoutPrevoteDelta = newValue.timeoutPrevoteDelta
            timeoutPrecommit = newValue.timeoutPrecommit
            timeoutPrecommitDelta = newValue.timeoutPrecommitDelta
            timeoutCommit = newValue.timeoutCommit
        }
    }
}

/// `[tx_index]`: whether transactions are indexed for `tx` and `tx_search`.
public struct TxIndexConfig: Sendable, Hashable {
    public enum Indexer: String, Sendable, Hashable, CaseIterable {
        /// Index transactions and their events (SQLite).
        case kv
        /// No indexing: `tx` and `tx_search` return an error.
        case null
    }

    /// `indexer`
    public var indexer: Indexer = .kv

    public init() {}
}

/// `[storage]` (CometBFT v0.38's `StorageConfig`).
public struct StorageConfig: Sendable, Hashable {
    /// `discard_abci_responses`: keep only the latest height's FinalizeBlock answer (a restart's
    /// replay needs it) instead of every height's; RPC `block_results` is then refused with
    /// CometBFT's "node is not persisting finalize block responses".
    public var discardABCIResponses: Bool = false

    public init() {}
}

/// `[kvstore]`: the built-in kvstore's own options (Palisade's section; CometBFT's e2e app has
/// the same key in its `app.toml`).
public struct KVStoreConfig: Sendable, Hashable {
    /// `retain_blocks`: when not 0, each Commit answers `retain_height = height - retain_blocks + 1`,
    /// so the node keeps the last `retain_blocks` blocks and prunes the rest.
    public var retainBlocks: Int64 = 0
    /// `snapshot_interval`: when not 0, a state-sync snapshot of every height that is a multiple
    /// of it, served to peers (in `data/kvstore-snapshots`); 0 takes none.
    public var snapshotInterval: Int64 = 0
    /// `snapshot_keep_recent`: how many of the latest snapshots are kept on disk.
    public var snapshotKeepRecent: Int = 2

    public init() {}
}

/// `[staking]`: the built-in staking app's own options (Palisade's section, keyed as `[kvstore]`).
public struct StakingConfig: Sendable, Hashable {
    /// `snapshot_interval`: when not 0, a state-sync snapshot of every height that is a multiple
    /// of it, served to peers (in `data/staking-snapshots`); 0 takes none.
    public var snapshotInterval: Int64 = 0
    /// `snapshot_keep_recent`: how many of the latest snapshots are kept on disk.
    public var snapshotKeepRecent: Int = 2

    public init() {}
}
