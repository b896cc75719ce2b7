import Foundation
import Logging
import PalisadeABCI
import PalisadeABCISocket
import PalisadeCrypto
import PalisadeIndexer
import PalisadeMempool
import PalisadeP2P
import PalisadeRPC
import PalisadeState
import PalisadeStorage
import PalisadeTypes
import Prometheus
import Synchronization

/// A running validator: every part wired together (ARCHITECTURE §3). `run` returns when the node is
/// asked to stop and throws when it must halt (a `NodeError`: app failure, app hash mismatch,
/// storage failure). Either way nothing is signed afterwards.
public final class Node: Sendable {
    public let home: LoadedHome
    public let logger: Logger
    public let driver: ConsensusDriver
    public let mempool: Mempool
    public let mempoolReactor: MempoolReactor
    public let evidencePool: EvidencePool
    /// Serves this app's snapshots to peers; routes answers to the syncer while state sync runs.
    public let stateSync: StateSyncReactor
    /// Set when this start restores the app from a snapshot before consensus (`Node+StateSync`).
    let stateSyncer: StateSyncer?
    /// True from `init` until state sync has bootstrapped the store and the driver: consensus
    /// and block sync messages are dropped meanwhile, and `/status` says `catching_up`.
    let stateSyncing = Mutex(false)
    /// The running sync, so `stop` can end it.
    let stateSyncTask = Mutex<Task<StateSyncer.Result, any Error>?>(nil)
    public let peerSwitch: Switch
    public let blockStore: BlockStore
    public let app: any Application
    public let events: NodeEventHub
    /// `broadcast_tx_async` submissions not yet answered by CheckTx: at most the mempool's own
    /// limits again.
    let asyncSubmissions: SubmissionBudget
    /// The key the validator signs with: the key file's, or the remote signer's.
    public let validatorKey: Ed25519PublicKey
    /// Where a remote signer dials in, when `priv_validator_laddr` is set.
    private let privvalListener: PrivvalListener?
    /// Nil when `[tx_index] indexer = "null"`.
    public let eventIndex: EventIndex?
    /// What the runtime records; `.none` unless `[instrumentation] prometheus`.
    public let metrics: NodeMetrics
    /// This node's own registry (never the process-wide default), served at `/metrics`.
    let metricsRegistry: PrometheusCollectorRegistry?
    private let lock: HomeLock

    /// Opens storage, connects the app and replays what it lacks, opens the signer and the WAL.
    /// Errors name the file or the peer of the failure.
    ///
    /// - Parameter application: a Swift app to run in-process; nil runs what `proxy_app` names.
    /// - Parameter stateProvider: what state sync verifies snapshots against, when `[statesync]
    ///   enable` applies; nil builds the light-client one (`StateProviderFactory`).
    public init(home: LoadedHome, application: (any Application)? = nil,
                stateProvider: (any StateSyncStateProvider)? = nil, logger: Logger) async throws {
        self.home = home
        self.logger = logger
        let config = home.config
        let paths = home.home
        try Self.makeDirectory(paths.dataDirectory)
        try Self.makeDirectory((paths.walFile as NSString).deletingLastPathComponent)
        lock = try HomeLock(path: paths.lockFile)

        blockStore = try BlockStore(path: paths.blockStoreFile,
                                    discardFinalizeBlockResponses: config.storage.discardABCIResponses)
        let store = SQLiteChainStore(store: blockStore)
        if let application {
            app = application
        } else {
            app = try await AppConnector.connect(config.proxyApp, dataDirectory: paths.dataDirectory,
                                                 kvstore: config.kvstore, staking: config.staking,
                                                 logger: logger.module(LogModule.proxy))
        }
        let provider = try await Self.stateSyncProvider(config: config.stateSync, injected: stateProvider, store: store,
                                                        app: app, genesis: home.genesis,
                                                        logger: logger.module(LogModule.stateSync))
        let state: ChainState
        if provider != nil {
            // The app is restored from a snapshot, not from InitChain; the driver learns the real
            // state once that is done (`ConsensusDriver.bootstrap`).
            do { state = try ChainState(genesis: home.genesis) } catch { throw NodeError.handshake("\(error)") }
        } else {
            state = try await Handshake(app: app, store: store, genesis: home.genesis,
                                        logger: logger.module(LogModule.state)).run()
        }

        let signer: any ConsensusSigner
        if let laddr = config.privValidatorLaddr {
            let listener = try await Self.listenForSigner(at: laddr, logger: logger.module(LogModule.privval))
            let remote: RemoteSigner
            do { remote = try await RemoteSigner(listener: listener, chainID: home.genesis.chainID) } catch {
                await listener.stop()
                throw NodeError.signer("remote signer at \(laddr): \(error)")
            }
            if state.validators.validator(for: remote.address) == nil {
                logger.warning("the remote signer's key is not in the current validator set; this node will not vote",
                               metadata: ["address": "\(remote.address)"])
            }
            signer = remote
            validatorKey = remote.publicKey
            privvalListener = listener
        } else {
            do {
                signer = try FilePrivValidator(keyPath: paths.privValidatorKeyFile, statePath: paths.privValidatorStateFile)
            } catch { throw NodeError.signer("\(error)") }
            validatorKey = home.privValidatorKey.publicKey
            privvalListener = nil
        }
        let wal: ConsensusWAL
        do { wal = try ConsensusWAL(path: paths.walFile) } catch { throw NodeError.storage("\(error)") }

        if config.instrumentation.prometheus {
            let registry = PrometheusCollectorRegistry()
            metricsRegistry = registry
            metrics = .prometheus(registry: registry, namespace: config.instrumentation.namespace,
                                  chainID: home.genesis.chainID, validatorAddress: home.privValidatorKey.address)
        } else {
            metricsRegistry = nil
            metrics = .none
        }
        mempool = Mempool(config: config.mempool, app: app, height: state.lastBlockHeight)
        let switchLogger = logger.module(LogModule.p2p)
        var transport = config.p2p.transport
        let channelLimits = ChannelLimits.all(mempool: config.mempool, transportLimit: transport.maxMessageSize)
        transport.nodeInfo = PalisadeP2P.NodeInfo(
            protocolVersion: .init(block: Handshake.blockProtocol, app: state.version.app), nodeID: home.nodeKey.id,
            listenAddress: "tcp://\(config.p2p.laddr.host):\(config.p2p.laddr.port)", network: home.genesis.chainID,
            version: Handshake.softwareVersion, channels: Bytes(channelLimits.keys.sorted()), moniker: config.moniker,
            rpcAddress: "tcp://\(config.rpc.laddr.host):\(config.rpc.laddr.port)")
        var switchConfiguration = SwitchConfiguration()
        switchConfiguration.maxInboundPeers = config.p2p.maxNumInboundPeers
        switchConfiguration.maxOutboundPeers = config.p2p.maxNumOutboundPeers
        switchConfiguration.channelMessageLimits = channelLimits
        switchConfiguration.channelPriorities = ChannelLimits.priorities
        switchConfiguration.banFile = paths.dataDirectory + "/p2p_bans.txt"
        if config.p2p.persistentPeersMaxDialPeriod > 0 {
            switchConfiguration.dialBackoffMax = .milliseconds(config.p2p.persistentPeersMaxDialPeriod)
        }
        peerSwitch = Switch(nodeKey: home.nodeKey, listenHost: config.p2p.laddr.host, listenPort: config.p2p.laddr.port,
                            persistentPeers: config.p2p.persistentPeers, configuration: transport,
                            switchConfiguration: switchConfiguration,
                            log: { switchLogger.info("\($0)") })
        let network = SwitchNetwork(peerSwitch: peerSwitch, metrics: metrics.p2p)
        events = NodeEventHub()
        let hub = events
        evidencePool = try EvidencePool(chainID: home.genesis.chainID, state: state, store: store, network: network,
                                        logger: logger.module(LogModule.evidence))
        driver = ConsensusDriver(chainID: home.genesis.chainID, state: state, config: config.consensus.timeoutConfig,
                                 signer: signer, wal: wal, store: store, app: app, mempool: mempool,
                                 evidence: evidencePool, network: network,
                                 production: config.consensus.blockProduction,
                                 observer: NodeObserver { hub.publish($0) }, metrics: metrics,
                                 logger: logger.module(LogModule.consensus))
        if config.txIndex.indexer == .kv {
            do { eventIndex = try EventIndex(path: paths.dataDirectory + "/tx_index.db") } catch {
                throw NodeError.storage("\(error)")
            }
        } else {
            eventIndex = nil
        }
        stateSync = StateSyncReactor(app: app, network: network, logger: logger.module(LogModule.stateSync))
        if let provider {
            let syncer = StateSyncer(app: app, provider: provider, network: network,
                                     options: Self.stateSyncOptions(config.stateSync, transport: transport),
                                     logger: logger.module(LogModule.stateSync))
            await stateSync.attach(syncer)
            stateSyncer = syncer
            stateSyncing.withLock { $0 = true }
        } else {
            stateSyncer = nil
        }
        mempoolReactor = MempoolReactor(mempool: mempool, network: network, broadcast: config.mempoolBroadcast,
                                        metrics: metrics.mempool, logger: logger.module(LogModule.mempool))
        asyncSubmissions = SubmissionBudget(maxCount: config.mempool.size,
                                            maxBytes: Int(min(config.mempool.maxTxsBytes, 64 << 20)))
    }

    /// Runs until `stop()` or a fatal error.
    public func run() async throws {
        do { try await peerSwitch.start() } catch {
            throw NodeError.listen(key: "p2p.laddr", address: home.config.p2p.laddr.description, reason: "\(error)")
        }
        let p2pPort = await peerSwitch.listenPort
        logger.notice("node started", metadata: [
            "node_id": "\(home.nodeKey.id)", "p2p": "\(home.config.p2p.laddr.host):\(p2pPort)",
            "validator": "\(validatorKey.address)", "moniker": "\(home.config.moniker)"])
        // Unbounded as streams, bounded by what feeds them: every peer message holds its share
        // of the switch's inbound budget until the reactor has handled it (`pumpSwitchEvents`).
        let (mempoolInbox, mempoolFeed) = AsyncStream.makeStream(of: PeerMessage.self)
        defer { mempoolFeed.finish() }
        let (evidenceInbox, evidenceFeed) = AsyncStream.makeStream(of: PeerEvidenceEvent.self)
        defer { evidenceFeed.finish() }
        let (stateSyncInbox, stateSyncFeed) = AsyncStream.makeStream(of: PeerStateSyncEvent.self)
        defer { stateSyncFeed.finish() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let rpc = self.makeRPCServer()
                group.addTask {
                    do { try await rpc.run() } catch let error as RPCListenError {
                        // Ends the node: an operator who configured an RPC gets one or an error.
                        throw NodeError.listen(key: "rpc.laddr", address: error.address, reason: error.reason)
                    } catch {
                        self.logger.error("RPC server stopped", metadata: ["error": "\(error)"])
                    }
                }
                // The RPC listens before consensus begins: a node that cannot bind its laddr stops
                // before it signs anything (`next` rethrows the listen error).
                if await rpc.listeningPort() == 0 { try await group.next() }
                if let metricsServer = self.makeMetricsServer() {
                    group.addTask {
                        do { try await metricsServer.run() } catch let error as RPCListenError {
                            throw NodeError.listen(key: "instrumentation.prometheus_listen_addr", address: error.address,
                                                   reason: error.reason)
                        } catch {
                            self.logger.error("metrics server stopped", metadata: ["error": "\(error)"])
                        }
                    }
                    if await metricsServer.listeningPort() == 0 { try await group.next() }
                }
                group.addTask {
                    if let syncer = self.stateSyncer {
                        guard try await self.completeStateSync(syncer) else { return }
                    }
                    try await self.driver.run()
                }
                if let socketApp = self.app as? ABCISocketClient {
                    // A socket app that goes away halts the node at once, not at its next call:
                    // consensus must not run on (timeouts, votes) without the app behind it. The
                    // throw ends the group, which cancels the driver (stopping the driver instead
                    // could let it return first, and the node would exit as if asked to stop).
                    group.addTask {
                        guard let failure = await socketApp.waitForFailure() else { return }
                        throw NodeError.application(call: "the connection to \(socketApp.address)", reason: "\(failure)")
                    }
                }
                group.addTask {
                    await self.pumpSwitchEvents(mempool: mempoolFeed, evidence: evidenceFeed, stateSync: stateSyncFeed)
                }
                group.addTask {
                    for await event in stateSyncInbox {
                        switch event {
                        case .connected(let peer): await self.stateSync.peerConnected(peer)
                        case .disconnected(let peer): await self.stateSync.peerDisconnected(peer)
                        case let .message(channel, message):
                            await self.stateSync.receive(message.bytes, channel: channel, from: message.peer)
                            message.lease?.release()
                        }
                    }
                }
                group.addTask {
                    for await message in mempoolInbox {
                        await self.mempoolReactor.receive(message.bytes, from: message.peer)
                        message.lease?.release()
                    }
                }
                group.addTask {
                    for await event in evidenceInbox {
                        switch event {
                        case .connected(let peer): await self.evidencePool.peerConnected(peer)
                        case .message(let message):
                            await self.evidencePool.receive(message.bytes, from: message.peer)
                            message.lease?.release()
                        }
                    }
                }
                if let eventIndex = self.eventIndex {
                    let indexer = try await IndexerService(index: eventIndex, source: BlockStoreIndexSource(store: self.blockStore))
                    let latest = try self.blockStore.latestHeight()
                    group.addTask {
                        do { try await indexer.catchUp(to: latest) } catch {
                            self.logger.error("indexer catch-up failed", metadata: ["error": "\(error)"])
                        }
                        await indexer.run()
                    }
                    let committed = self.events.subscribe(buffer: 1_024)
                    group.addTask {
                        for await event in committed {
                            guard case .newBlock(let block) = event,
                                  let item = try? IndexBlock(height: block.block.header.height, txs: block.block.data.txs,
                                                             response: block.response) else { continue }
                            indexer.submit(item)
                        }
                        indexer.finish()
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        self.driver.enqueue(.heartbeat)
                    }
                }
                // The driver ends the node: on stop it returns, on a fatal error it throws.
                // Either way the switch is stopped before the group waits for its children: the
                // switch's event stream ends only then (it does not end on cancellation), and a
                // node whose peers are all gone would otherwise wait for an event forever.
                do {
                    try await group.next()
                } catch {
                    group.cancelAll()
                    await self.peerSwitch.stop()
                    throw error
                }
                group.cancelAll()
                await self.peerSwitch.stop()
            }
        } catch {
            await peerSwitch.stop()
            await privvalListener?.stop()
            throw error
        }
        await peerSwitch.stop()
        await privvalListener?.stop()
    }

    /// Binds `priv_validator_laddr` and waits there for the signer: the node cannot vote
    /// without the validator's key, and CometBFT's node waits for it too.
    private static func listenForSigner(at address: ABCIAddress, logger: Logger) async throws -> PrivvalListener {
        let listener = PrivvalListener(address: address, logger: logger)
        do { try await listener.start() } catch {
            throw NodeError.listen(key: "priv_validator_laddr", address: address.description, reason: "\(error)")
        }
        logger.notice("waiting for a remote signer to connect", metadata: ["address": "\(address)"])
        return listener
    }

    public func stop() {
        stateSyncTask.withLock { $0?.cancel() }
        driver.stop()
    }

    private func makeRPCServer() -> RPCServer {
        let rpc = home.config.rpc
        var configuration = RPCServerConfiguration(host: rpc.laddr.host, port: rpc.laddr.port)
        configuration.maxBodyBytes = rpc.maxBodyBytes
        configuration.maxHeaderBytes = rpc.maxHeaderBytes
        configuration.maxOpenConnections = rpc.maxOpenConnections
        configuration.maxSubscriptionClients = rpc.maxSubscriptionClients
        configuration.maxSubscriptionsPerClient = rpc.maxSubscriptionsPerClient
        configuration.unsafe = rpc.unsafe
        let backend = NodeRPCBackend(node: self, index: eventIndex,
                                     broadcastCommitTimeout: .milliseconds(rpc.timeoutBroadcastTxCommit))
        return RPCServer(backend: backend, configuration: configuration, logger: logger.module(LogModule.rpc))
    }

    /// The `/metrics` listener, when `[instrumentation] prometheus` is on. Values that are a
    /// reading of some part's state (peers, mempool contents) are read at each scrape.
    private func makeMetricsServer() -> MetricsServer? {
        guard let registry = metricsRegistry else { return nil }
        let instrumentation = home.config.instrumentation
        return MetricsServer(host: instrumentation.prometheusListenAddr.host, port: instrumentation.prometheusListenAddr.port,
                             maxOpenConnections: instrumentation.maxOpenConnections,
                             logger: logger.module(LogModule.rpc)) { [self] in
            metrics.p2p.peers.record(await peerSwitch.peers.count)
            metrics.mempool.contents(count: await mempool.size, bytes: await mempool.sizeBytes)
            return registry.emitToBuffer()
        }
    }

    /// A peer's message on its way to a reactor, with its share of the inbound budget.
    private struct PeerMessage: Sendable {
        var peer: String
        var bytes: Bytes
        var lease: InboundLease?
    }

    /// What the evidence pool hears from the switch, in order, off the switch's own task.
    private enum PeerEvidenceEvent: Sendable {
        case connected(String)
        case message(PeerMessage)
    }

    /// What the state-sync reactor hears from the switch, in order.
    private enum PeerStateSyncEvent: Sendable {
        case connected(String)
        case disconnected(String)
        case message(channel: UInt8, PeerMessage)
    }

    /// Routes the switch's events to the reactors without waiting: back-pressure is the
    /// inbound budget, which a message's lease holds until its reactor is done with it.
    private func pumpSwitchEvents(mempool: AsyncStream<PeerMessage>.Continuation,
                                  evidence: AsyncStream<PeerEvidenceEvent>.Continuation,
                                  stateSync: AsyncStream<PeerStateSyncEvent>.Continuation) async {
        for await event in peerSwitch.events {
            if Task.isCancelled { return }
            switch event {
            case .peerConnected(let info):
                driver.enqueue(.peerConnected(info.id))
                evidence.yield(.connected(info.id))
                stateSync.yield(.connected(info.id))
            case let .peerDisconnected(id, reason):
                logger.module(LogModule.p2p).info("peer disconnected",
                                                  metadata: ["peer": "\(id)", "reason": "\(reason)"])
                driver.enqueue(.peerDisconnected(id))
                stateSync.yield(.disconnected(id))
            case let .message(from, channel, bytes, lease):
                metrics.p2p.received(channel: channel, bytes: bytes.count)
                // Until state sync has bootstrapped the chain only its own messages mean anything:
                // consensus and blocks are for heights we cannot check yet, transactions would be
                // checked against an app being restored (CometBFT's reactors wait too). Held, they
                // would fill the inbound budget and stall state sync behind them.
                if stateSyncing.withLock({ $0 }), channel != NodeChannel.snapshot, channel != NodeChannel.chunk {
                    lease?.release()
                    continue
                }
                switch channel {
                case NodeChannel.mempool:
                    mempool.yield(PeerMessage(peer: from, bytes: bytes, lease: lease))
                case NodeChannel.evidence:
                    evidence.yield(.message(PeerMessage(peer: from, bytes: bytes, lease: lease)))
                case NodeChannel.snapshot, NodeChannel.chunk:
                    stateSync.yield(.message(channel: channel, PeerMessage(peer: from, bytes: bytes, lease: lease)))
                case NodeChannel.consensusState, NodeChannel.consensusData, NodeChannel.consensusVote,
                     NodeChannel.blockSync:
                    driver.enqueue(.peerMessage(peer: from, channel: channel, bytes: bytes), handled: { lease?.release() })
                default:
                    logger.module(LogModule.p2p).debug("message on an unused channel",
                                                       metadata: ["peer": "\(from)", "channel": "\(channel)"])
                }
            }
        }
    }

    /// 0700, as `init` creates them: the data directory holds the signer state and the WAL.
    private static func makeDirectory(_ path: String) throws {
        do { try HomeFileWriter.createDirectory(path) } catch {
            throw NodeError.storage("cannot create \(path): \(error)")
        }
    }
}
