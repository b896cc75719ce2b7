/// `config.toml` as `palisade init` and `palisade testnet` write it: CometBFT's layout and key
/// names, one short comment per key, every supported key present so the file documents itself.
/// `NodeConfig.load` reads it back to an equal value.
extension NodeConfig {
    public func render() -> String {
        var out = TOMLWriter()
        out.comment("Palisade node configuration, in CometBFT's config.toml layout and key names.")
        out.comment("Relative paths are relative to the home directory (--home, PALISADE_HOME, or ~/.palisade).")
        out.blank()
        out.comment("The application: \"kvstore\" or \"staking\" (built in), or an ABCI server at")
        out.comment("\"tcp://host:port\" or \"unix:///path/to/socket\".")
        out.string("proxy_app", proxyApp.description)
        out.comment("A human-readable name for this node.")
        out.string("moniker", moniker)
        out.comment("Where block, state and application databases live.")
        out.string("db_dir", dbDir)
        out.comment("A level (debug, info, warn, error, none) for every module, or module:level pairs with * for")
        out.comment("the rest: \"p2p:debug,*:error\". Modules: main, consensus, p2p, mempool, rpc, state, blocksync,")
        out.comment("evidence, proxy.")
        out.string("log_level", logLevel)
        out.comment("\"plain\" lines, or \"json\": one object a line with time, level, module, message, metadata.")
        out.string("log_format", logFormat.rawValue)
        out.comment("The initial validator set and chain parameters.")
        out.string("genesis_file", genesisFile)
        out.comment("This validator's signing key, and the double-sign guard's record of what it last signed.")
        out.string("priv_validator_key_file", privValidatorKeyFile)
        out.string("priv_validator_state_file", privValidatorStateFile)
        out.comment("Set to sign through a remote signer (palisade signer, tmkms, Horcrux) that dials in here:")
        out.comment("tcp://host:port or unix://path. The key file is then not used for signing.")
        out.string("priv_validator_laddr", privValidatorLaddr?.description ?? "")
        out.comment("This node's peer-to-peer identity (its node ID is derived from it).")
        out.string("node_key_file", nodeKeyFile)

        out.section("rpc", "JSON-RPC server (CometBFT v0.38 methods over HTTP and WebSocket).")
        out.string("laddr", rpc.laddr.description)
        out.comment("Simultaneous HTTP and WebSocket connections; 0 for no limit.")
        out.integer("max_open_connections", rpc.maxOpenConnections)
        out.comment("WebSocket clients that may subscribe, and subscriptions per client.")
        out.integer("max_subscription_clients", rpc.maxSubscriptionClients)
        out.integer("max_subscriptions_per_client", rpc.maxSubscriptionsPerClient)
        out.comment("How long broadcast_tx_commit waits for the transaction's block.")
        out.duration("timeout_broadcast_tx_commit", rpc.timeoutBroadcastTxCommit)
        out.comment("Largest request body, and request head (request line and headers), in bytes.")
        out.integer("max_body_bytes", rpc.maxBodyBytes)
        out.integer("max_header_bytes", rpc.maxHeaderBytes)
        out.comment("Serve the unsafe methods (dial_peers, unsafe_flush_mempool).")
        out.bool("unsafe", rpc.unsafe)

        out.section("p2p", "Peer-to-peer connections (Palisade's own authenticated, encrypted protocol).")
        out.string("laddr", p2p.laddr.description)
        out.comment("Peers to stay connected to, as comma-separated id@host:port.")
        out.string("persistent_peers", p2p.persistentPeers.map(\.description).joined(separator: ","))
        out.comment("Cap on the redial backoff for persistent peers; \"0s\" for no cap.")
        out.duration("persistent_peers_max_dial_period", p2p.persistentPeersMaxDialPeriod)
        out.comment("How long a dial may take to connect, then how long the handshake may take.")
        out.duration("dial_timeout", p2p.dialTimeout)
        out.duration("handshake_timeout", p2p.handshakeTimeout)
        out.comment("Authenticated inbound peers, and dialled peers, that are not persistent peers, at most.")
        out.integer("max_num_inbound_peers", p2p.maxNumInboundPeers)
        out.integer("max_num_outbound_peers", p2p.maxNumOutboundPeers)

        out.section("mempool", "Transactions waiting for a block.")
        out.comment("Gossip transactions to peers.")
        out.bool("broadcast", mempoolBroadcast)
        out.comment("Run CheckTx again on the remaining transactions after each block.")
        out.bool("recheck", mempool.recheck)
        out.comment("Most transactions, and most transaction bytes, held at once.")
        out.integer("size", mempool.size)
        out.integer("max_txs_bytes", Int(mempool.maxTxsBytes))
        out.comment("Transaction hashes remembered to drop duplicates; 0 turns the cache off.")
        out.integer("cache_size", mempool.cacheSize)
        out.comment("Keep rejected transactions in the cache, so a resent one costs no CheckTx.")
        out.bool("keep-invalid-txs-in-cache", mempool.keepInvalidTxsInCache)
        out.comment("Largest single transaction, in bytes.")
        out.integer("max_tx_bytes", mempool.maxTxBytes)

        out.section("statesync", "Join a running chain from a peer's snapshot instead of replaying every block.")
        out.comment("Only on a fresh home (no blocks); a home with blocks starts from them and ignores this.")
        out.bool("enable", stateSync.enable)
        out.comment("At least two RPC servers (comma-separated): the light client's primary and a witness.")
        out.string("rpc_servers", stateSync.rpcServers.joined(separator: ","))
        out.comment("A trusted height and its header hash (hex), from a source you trust, and how long a")
        out.comment("verified header stays trusted.")
        out.integer("trust_height", Int(stateSync.trustHeight))
        out.string("trust_hash", stateSync.trustHash)
        out.duration("trust_period", stateSync.trustPeriod)
        out.comment("How long to collect snapshot offers from peers before choosing one (0, or at least 5s).")
        out.duration("discovery_time", stateSync.discoveryTime)
        out.comment("Where chunks may be spooled (empty: the system's temporary directory; unused today).")
        out.string("temp_dir", stateSync.tempDir)
        out.comment("How long a peer may take with a chunk before another is asked (at least 5s), and how")
        out.comment("many chunks are fetched at once.")
        out.duration("chunk_request_timeout", stateSync.chunkRequestTimeout)
        out.integer("chunk_fetchers", stateSync.chunkFetchers)

        out.section("consensus", "Tendermint consensus. Durations are Go durations: \"500ms\", \"3s\", \"1m0s\".")
        out.string("wal_file", consensus.walFile)
        out.comment("How long to wait for a proposal, and how much longer in each later round.")
        out.duration("timeout_propose", consensus.timeoutPropose)
        out.duration("timeout_propose_delta", consensus.timeoutProposeDelta)
        out.comment("How long to wait after +2/3 prevotes or precommits for anything, before moving on.")
        out.duration("timeout_prevote", consensus.timeoutPrevote)
        out.duration("timeout_prevote_delta", consensus.timeoutPrevoteDelta)
        out.duration("timeout_precommit", consensus.timeoutPrecommit)
        out.duration("timeout_precommit_delta", consensus.timeoutPrecommitDelta)
        out.comment("How long to wait after committing a block before starting the next height.")
        out.duration("timeout_commit", consensus.timeoutCommit)
        out.comment("Start the next height as soon as every validator's precommit is in, without timeout_commit.")
        out.bool("skip_timeout_commit", consensus.skipTimeoutCommit)
        out.comment("false: a new height waits for a transaction before its first round (a height after a block")
        out.comment("that changed the app hash does not wait, so that hash gets into a committed header).")
        out.bool("create_empty_blocks", consensus.createEmptyBlocks)
        out.comment("Not \"0s\": a new height waits at most this long for a transaction, then makes a block anyway.")
        out.duration("create_empty_blocks_interval", consensus.createEmptyBlocksInterval)

        out.section("storage", "What the block store keeps.")
        out.comment("true: keep only the latest FinalizeBlock answer (block_results is then refused).")
        out.bool("discard_abci_responses", storage.discardABCIResponses)

        out.section("kvstore", "The built-in kvstore (proxy_app = \"kvstore\").")
        out.comment("Keep the last N blocks: each Commit asks the node to prune below height - N + 1; 0 keeps all.")
        out.integer("retain_blocks", Int(kvstore.retainBlocks))
        out.comment("Take a state-sync snapshot of every height that is a multiple of N (0: none), keep the latest K.")
        out.integer("snapshot_interval", Int(kvstore.snapshotInterval))
        out.integer("snapshot_keep_recent", kvstore.snapshotKeepRecent)

        out.section("staking", "The built-in staking app (proxy_app = \"staking\").")
        out.comment("Take a state-sync snapshot of every height that is a multiple of N (0: none), keep the latest K.")
        out.integer("snapshot_interval", Int(staking.snapshotInterval))
        out.integer("snapshot_keep_recent", staking.snapshotKeepRecent)

        out.section("tx_index", "Transaction indexing for the tx and tx_search methods.")
        out.comment("\"kv\" (indexed in SQLite) or \"null\" (no index).")
        out.string("indexer", txIndex.indexer.rawValue)

        out.section("instrumentation", "Prometheus metrics, under CometBFT's names.")
        out.comment("Serve the metrics at /metrics on prometheus_listen_addr.")
        out.bool("prometheus", instrumentation.prometheus)
        out.string("prometheus_listen_addr", instrumentation.prometheusListenAddr.description)
        out.comment("Simultaneous scrape connections; 0 for no limit.")
        out.integer("max_open_connections", instrumentation.maxOpenConnections)
        out.comment("The first part of every metric name: cometbft_consensus_height.")
        out.string("namespace", instrumentation.namespace)
        return out.text
    }
}

/// Just enough of a TOML writer for the config file: comments, sections, and scalar values with
/// strings escaped as TOML basic strings.
struct TOMLWriter {
    private(set) var text = ""

    mutating func blank() { text += "\n" }
    mutating func comment(_ line: String) { text += "# \(line)\n" }

    mutating func section(_ name: String, _ about: String) {
        text += "\n#######################################################################\n"
        comment(about)
        text += "[\(name)]\n"
    }

    mutating func string(_ key: String, _ value: String) { text += "\(key) = \(Self.quoted(value))\n" }
    mutating func integer(_ key: String, _ value: Int) { text += "\(key) = \(value)\n" }
    mutating func bool(_ key: String, _ value: Bool) { text += "\(key) = \(value)\n" }

    mutating func duration(_ key: String, _ milliseconds: Int64) {
        string(key, GoDuration.format(milliseconds: milliseconds))
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
