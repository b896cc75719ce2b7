import Foundation
import PalisadeABCISocket
import PalisadeP2P

/// Every key Palisade reads from `config.toml`, section by section, with how it is decoded. A key
/// not listed here is reported as a warning and ignored (a CometBFT file has many we do not use).
extension NodeConfig {
    typealias Apply = @Sendable (inout NodeConfig, ConfigValue) throws(ConfigError) -> Void

    static let topLevelKeys: [String: Apply] = [
        "moniker": { (c, v) throws(ConfigError) in c.moniker = try v.string() },
        "proxy_app": { (c, v) throws(ConfigError) in
            let text = try v.string()
            do { c.proxyApp = try ProxyApp(parsing: text) } catch { throw v.error("\(error)") }
        },
        "genesis_file": { (c, v) throws(ConfigError) in c.genesisFile = try v.nonEmptyString() },
        "priv_validator_key_file": { (c, v) throws(ConfigError) in c.privValidatorKeyFile = try v.nonEmptyString() },
        "priv_validator_state_file": { (c, v) throws(ConfigError) in c.privValidatorStateFile = try v.nonEmptyString() },
        "priv_validator_laddr": { (c, v) throws(ConfigError) in
            let text = try v.string()
            guard !text.isEmpty else { c.privValidatorLaddr = nil; return }
            do { c.privValidatorLaddr = try ABCIAddress(parsing: text) } catch { throw v.error("\(error)") }
        },
        "node_key_file": { (c, v) throws(ConfigError) in c.nodeKeyFile = try v.nonEmptyString() },
        "db_dir": { (c, v) throws(ConfigError) in c.dbDir = try v.nonEmptyString() },
        "log_level": { (c, v) throws(ConfigError) in
            let text = try v.nonEmptyString()
            do throws(LogLevelFilter.ParseError) { _ = try LogLevelFilter(parsing: text) } catch {
                throw v.error(error.description)
            }
            c.logLevel = text
        },
        "log_format": { (c, v) throws(ConfigError) in
            let text = try v.string()
            guard let format = LogFormat(rawValue: text) else {
                throw v.error("expected \"plain\" or \"json\", got \"\(text)\"")
            }
            c.logFormat = format
        },
    ]

    static let sections: [String: [String: Apply]] = [
        "rpc": [
            "laddr": { (c, v) throws(ConfigError) in c.rpc.laddr = try v.listenAddress() },
            "max_open_connections": { (c, v) throws(ConfigError) in c.rpc.maxOpenConnections = try v.integer() },
            "max_subscription_clients": { (c, v) throws(ConfigError) in c.rpc.maxSubscriptionClients = try v.integer() },
            "max_subscriptions_per_client": { (c, v) throws(ConfigError) in c.rpc.maxSubscriptionsPerClient = try v.integer() },
            "max_body_bytes": { (c, v) throws(ConfigError) in c.rpc.maxBodyBytes = try v.integer() },
            "max_header_bytes": { (c, v) throws(ConfigError) in c.rpc.maxHeaderBytes = try v.integer() },
            "timeout_broadcast_tx_commit": { (c, v) throws(ConfigError) in c.rpc.timeoutBroadcastTxCommit = try v.duration() },
            "unsafe": { (c, v) throws(ConfigError) in c.rpc.unsafe = try v.bool() },
        ],
        "p2p": [
            "laddr": { (c, v) throws(ConfigError) in c.p2p.laddr = try v.listenAddress() },
            "persistent_peers": { (c, v) throws(ConfigError) in
                let text = try v.string()
                do { c.p2p.persistentPeers = try PeerAddress.parseList(text) } catch { throw v.error("\(error)") }
            },
            // Refused unless CometBFT's default: Palisade's peer protocol sends each message whole
            // in one sealed frame (PalisadeP2P/WIRE-FORMAT.md); there are no packets to size.
            "max_packet_msg_payload_size": { (_, v) throws(ConfigError) in
                let size = try v.integer()
                guard size == 1024 else {
                    throw v.error("\(size) is not supported: Palisade's peer protocol sends each message in one "
                                  + "frame, not in packets; remove the key (or leave CometBFT's 1024)")
                }
            },
            "persistent_peers_max_dial_period": { (c, v) throws(ConfigError) in
                c.p2p.persistentPeersMaxDialPeriod = try v.duration()
            },
            "dial_timeout": { (c, v) throws(ConfigError) in c.p2p.dialTimeout = try v.duration() },
            "handshake_timeout": { (c, v) throws(ConfigError) in c.p2p.handshakeTimeout = try v.duration() },
            "max_num_inbound_peers": { (c, v) throws(ConfigError) in c.p2p.maxNumInboundPeers = try v.integer() },
            "max_num_outbound_peers": { (c, v) throws(ConfigError) in c.p2p.maxNumOutboundPeers = try v.integer() },
        ],
        "mempool": [
            "size": { (c, v) throws(ConfigError) in c.mempool.size = try v.integer() },
            "max_txs_bytes": { (c, v) throws(ConfigError) in c.mempool.maxTxsBytes = Int64(try v.integer()) },
            "cache_size": { (c, v) throws(ConfigError) in c.mempool.cacheSize = try v.integer() },
            "max_tx_bytes": { (c, v) throws(ConfigError) in c.mempool.maxTxBytes = try v.integer() },
            "keep-invalid-txs-in-cache": { (c, v) throws(ConfigError) in c.mempool.keepInvalidTxsInCache = try v.bool() },
            "recheck": { (c, v) throws(ConfigError) in c.mempool.recheck = try v.bool() },
            "broadcast": { (c, v) throws(ConfigError) in c.mempoolBroadcast = try v.bool() },
        ],
        "consensus": [
            "wal_file": { (c, v) throws(ConfigError) in c.consensus.walFile = try v.nonEmptyString() },
            "timeout_propose": { (c, v) throws(ConfigError) in c.consensus.timeoutPropose = try v.duration() },
            "timeout_propose_delta": { (c, v) throws(ConfigError) in c.consensus.timeoutProposeDelta = try v.duration() },
            "timeout_prevote": { (c, v) throws(ConfigError) in c.consensus.timeoutPrevote = try v.duration() },
            "timeout_prevote_delta": { (c, v) throws(ConfigError) in c.consensus.timeoutPrevoteDelta = try v.duration() },
            "timeout_precommit": { (c, v) throws(ConfigError) in c.consensus.timeoutPrecommit = try v.duration() },
            "timeout_precommit_delta": { (c, v) throws(ConfigError) in c.consensus.timeoutPrecommitDelta = try v.duration() },
            "timeout_commit": { (c, v) throws(ConfigError) in c.consensus.timeoutCommit = try v.duration() },
            "skip_timeout_commit": { (c, v) throws(ConfigError) in c.consensus.skipTimeoutCommit = try v.bool() },
            "create_empty_blocks": { (c, v) throws(ConfigError) in c.consensus.createEmptyBlocks = try v.bool() },
            "create_empty_blocks_interval": { (c, v) throws(ConfigError) in
                c.consensus.createEmptyBlocksInterval = try v.duration()
            },
        ],
        "instrumentation": [
            "prometheus": { (c, v) throws(ConfigError) in c.instrumentation.prometheus = try v.bool() },
            // CometBFT writes ":26660" for every interface; a host may be given as in any laddr.
            "prometheus_listen_addr": { (c, v) throws(ConfigError) in
                let text = try v.string()
                do throws(ListenAddress.ParseError) {
                    c.instrumentation.prometheusListenAddr = text.hasPrefix(":")
                        ? try ListenAddress(parsing: "0.0.0.0" + text) : try ListenAddress(parsing: text)
                } catch {
                    throw v.error("\"\(text)\": \(error.reason)")
                }
            },
            "max_open_connections": { (c, v) throws(ConfigError) in c.instrumentation.maxOpenConnections = try v.integer() },
            "namespace": { (c, v) throws(ConfigError) in
                let text = try v.string()
                guard InstrumentationConfig.isValidNamespace(text) else {
                    throw v.error("\"\(text)\" cannot start a Prometheus metric name: letters, digits and _, not starting with a digit")
                }
                c.instrumentation.namespace = text
            },
        ],
        "storage": [
            "discard_abci_responses": { (c, v) throws(ConfigError) in c.storage.discardABCIResponses = try v.bool() },
        ],
        "kvstore": [
            "retain_blocks": { (c, v) throws(ConfigError) in c.kvstore.retainBlocks = Int64(try v.integer()) },
            "snapshot_interval": { (c, v) throws(ConfigError) in c.kvstore.snapshotInterval = Int64(try v.integer()) },
            "snapshot_keep_recent": { (c, v) throws(ConfigError) in c.kvstore.snapshotKeepRecent = try v.integer(minimum: 1) },
        ],
        "statesync": [
            "enable": { (c, v) throws(ConfigError) in c.stateSync.enable = try v.bool() },
            "rpc_servers": { (c, v) throws(ConfigError) in
                c.stateSync.rpcServers = try v.string().split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            },
            "trust_height": { (c, v) throws(ConfigError) in c.stateSync.trustHeight = Int64(try v.integer()) },
            "trust_hash": { (c, v) throws(ConfigError) in c.stateSync.trustHash = try v.string() },
            "trust_period": { (c, v) throws(ConfigError) in c.stateSync.trustPeriod = try v.duration() },
            "discovery_time": { (c, v) throws(ConfigError) in c.stateSync.discoveryTime = try v.duration() },
            "temp_dir": { (c, v) throws(ConfigError) in c.stateSync.tempDir = try v.string() },
            "chunk_request_timeout": { (c, v) throws(ConfigError) in c.stateSync.chunkRequestTimeout = try v.duration() },
            "chunk_fetchers": { (c, v) throws(ConfigError) in c.stateSync.chunkFetchers = try v.integer(minimum: 1) },
        ],
        "staking": [
            "snapshot_interval": { (c, v) throws(ConfigError) in c.staking.snapshotInterval = Int64(try v.integer()) },
            "snapshot_keep_recent": { (c, v) throws(ConfigError) in c.staking.snapshotKeepRecent = try v.integer(minimum: 1) },
        ],
        "tx_index": [
            "indexer": { (c, v) throws(ConfigError) in
                let text = try v.string()
                guard let indexer = TxIndexConfig.Indexer(rawValue: text) else {
                    throw v.error("expected \"kv\" or \"null\", got \"\(text)\"")
                }
                c.txIndex.indexer = indexer
            },
        ],
    ]
}
