import Logging
import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeMempool
import PalisadeP2P
import PalisadeState
import PalisadeStorage
import PalisadeTypes

/// The consensus runtime around the pure core (ARCHITECTURE §4a), the one the node and the simulator
/// both run. Everything reaches it as an `Event` and is handled to completion before the next,
/// app calls included, so the core sees the same serial history the WAL records. Two orders hold
/// everywhere, and are carried out in one place each (`+Directives`):
///
/// - verify → WAL → core: a peer's message is checked (signature, height, proposer) before it
///   becomes an input; the core's `.persist(input)` is appended at once and synced, together
///   with everything appended before it, ahead of the first directive that reaches beyond the
///   process (a signature, a decided block's execution) — one `fdatasync` per batch of inputs;
/// - sign → WAL → send: the signer persists before it returns a signature, our own vote or
///   proposal is synced into the WAL before it leaves, then it is fed back to the core.
///
/// Each concern owns its state: the core (`ConsensusState`), the gossip reactor (what peers
/// reported and were sent), the block assembler (proposals, parts, complete blocks, verdicts) and
/// the executor (`BlockExecutor`: FinalizeBlock, store, Commit). The world is reached only
/// through ports: `RuntimeClock` (read once per event), `PeerNetwork`, `ConsensusLog`,
/// `ChainStore`, `ConsensusSigner` and `Application`.
public actor ConsensusDriver {
    public enum Event: Sendable {
        case peerMessage(peer: String, channel: UInt8, bytes: Bytes)
        case peerConnected(String)
        case peerDisconnected(String)
        case timeout(Timeout)
        case startHeight(Int64)
        case heartbeat
        /// The mempool holds transactions a block at this height could include.
        case txsAvailable(Int64)
        /// `create_empty_blocks_interval` passed at this height.
        case createEmptyBlocksInterval(Int64)
    }

    struct Deferred {
        var sends: [ConsensusWireMessage] = []
        var proposalRequests: [(height: Int64, round: Int32)] = []
    }

    let chainID: String
    let config: TimeoutConfig
    let logger: Logger
    let network: any PeerNetwork
    let mempool: Mempool
    let executor: BlockExecutor
    let store: any ChainStore
    let app: any Application
    let wal: any ConsensusLog
    let clock: any RuntimeClock
    let production: BlockProduction
    let observer: NodeObserver
    let evidence: EvidencePool
    var signer: (any ConsensusSigner)?
    /// The metrics port; `.none` records nothing.
    var metrics: NodeMetrics

    /// The state after the last committed block: the next block builds on it.
    var chain: ChainState
    var core: ConsensusState
    /// The +2/3 precommits of `chain.lastBlockHeight`: the next block's LastCommit.
    var lastCommit: Commit?
    /// `lastCommit`'s vote extensions, entry for entry; empty when that height had none (or
    /// block sync applied it, which carries no extensions).
    var lastCommitExtensions: [VoteExtension] = []
    var blocks = BlockAssembler()
    /// Decided before the block arrived (after a restart, say); executed when it does.
    var pendingDecision: Decision?
    var reactor = GossipReactor()
    /// True while the node catches up by block sync instead of running consensus.
    var syncing = false
    /// Block sync's bookkeeping; kept between sync sessions so that peers that failed us stay
    /// excluded for their time.
    var sync = BlockSyncPool(next: 1)
    /// The commit block sync verified for the last block it applied (its height's set signed it).
    var syncVerifiedCommit: Commit?
    /// Block sync applied heights since the WAL's last end-of-height marker.
    var syncedPastMarker = false
    /// The limits each sync session starts from (`block.max_bytes` then sets the block size);
    /// tests change them.
    var syncLimits = BlockSyncPool.Limits()
    /// Heartbeats in a row on which a peer reported a stored height above ours and ours had not
    /// moved since the previous heartbeat.
    var behindBeats = 0
    var heightAtLastBeat: Int64 = -1
    var pending: [Input] = []
    /// Our own signed votes and proposals, written to the WAL before they were sent; the core's
    /// `.persist` for them, when they come back as inputs, is then already done.
    var walAhead: Set<Input> = []
    var replaying = false
    /// Records appended to the WAL since its last sync (`+Directives`' group commit).
    var walUnsynced = false
    var deferred = Deferred()
    var stopped = false
    /// The time of the event being handled: the clock is read once per event, here, and every
    /// input the event causes carries this time (the WAL replays it with the same).
    var now = Timestamp(seconds: 0)
    var counters = DriverCounters()
    /// The height that waits for transactions before it begins (`+WaitForTxs`).
    var awaitingTxs: Int64?
    /// The last height begun early by `skip_timeout_commit`.
    var commitTimeoutSkipped: Int64 = 0
    /// Stale and round-step messages per peer since the last heartbeat.
    var unproductive = UnproductiveTraffic()
    /// Block bytes block sync served each peer since the last heartbeat, and the bound on them.
    var servedBytes: [String: Int] = [:]
    var servedBytesLimit = ConsensusDriver.servedBytesPerHeartbeat
    /// The lowest block the store holds (it moves up as the app's retain height prunes).
    var storedBase: Int64 = 0
    /// The current height's proposers by round, each computed once (checking a proposal's
    /// signature needs its round's proposer; `+Inbound`).
    var rotation: ProposerRotation?
    /// Rounds of proposer selection run for that, in all: the work a test can count.
    var proposerSelectionRounds = 0

    /// Events with what to call once each is handled. Unbounded as a stream, but every peer
    /// message in it holds its share of the switch's `InboundBudget` until handled, so peers
    /// can fill it only up to that budget; the rest are our own timers and connection events.
    private let events: AsyncStream<(Event, Handled?)>
    private let continuation: AsyncStream<(Event, Handled?)>.Continuation

    /// Called once an event has been handled (or dropped unhandled when the driver stops).
    public typealias Handled = @Sendable () -> Void

    /// Everything outside the process arrives through the ports: `clock`, `network`, `wal`,
    /// `store`, `signer` and `app`. The node wires real ones; the simulator wires virtual time,
    /// its faulty network and storage whose crash loses what was not synced.
    public init(chainID: String, state: ChainState, config: TimeoutConfig, signer: (any ConsensusSigner)?,
                wal: any ConsensusLog, store: any ChainStore, app: any Application, mempool: Mempool,
                evidence: EvidencePool, network: any PeerNetwork, clock: any RuntimeClock = SystemClock(),
                production: BlockProduction = BlockProduction(), observer: NodeObserver, metrics: NodeMetrics = .none,
                logger: Logger) {
        self.chainID = chainID
        self.chain = state
        self.config = config
        self.signer = signer
        self.wal = wal
        self.store = store
        self.app = app
        self.mempool = mempool
        self.evidence = evidence
        self.network = network
        self.clock = clock
        self.production = production
        self.observer = observer
        self.metrics = metrics
        self.metrics.consensus.started(lastBlockHeight: state.lastBlockHeight)
        self.logger = logger
        self.executor = BlockExecutor(app: app, store: store, metrics: metrics.state)
        self.core = ConsensusState(chainID: chainID, validatorAddress: signer?.address, config: config)
        (events, continuation) = AsyncStream.makeStream(of: (Event, Handled?).self)
        storedBase = (try? store.baseHeight()) ?? 0
        if state.lastBlockHeight > 0 {
            lastCommit = try? store.decidedCommit(at: state.lastBlockHeight)
            // The extended commit is the seen commit with extensions; it fits only while the
            // decided commit is that seen commit (the next block is not stored yet).
            if let stored = try? store.extendedCommit(at: state.lastBlockHeight), stored.commit == lastCommit {
                lastCommitExtensions = stored.extensions
            }
        }
    }

    /// Safe from any thread; events are handled in the order they were enqueued. `handled` runs
    /// after the event was handled: the node gives a peer message's budget back with it.
    public nonisolated func enqueue(_ event: Event, handled: Handled? = nil) {
        if case .terminated = continuation.yield((event, handled)) { handled?() }
    }

    /// Ends `run` after the event being handled.
    public nonisolated func stop() {
        continuation.finish()
    }

    /// Replays the WAL, then handles events until `stop`. Throws a `NodeError` when the node must
    /// halt (app failure, app hash mismatch, storage failure); nothing is signed after that.
    public func run() async throws {
        try await start()
        // The mempool's reports reach the driver as events, in order with everything else; a
        // caller that delivers events itself (the simulator) delivers `.txsAvailable` too.
        let txsAvailable = production.waitsForTxs ? Task { [mempool] in
            for await height in mempool.txsAvailable { self.enqueue(.txsAvailable(height)) }
        } : nil
        defer { txsAvailable?.cancel() }
        for await (event, handled) in events {
            defer { handled?() }
            try await handle(event)
        }
        stopped = true
    }

    /// Replays the WAL and begins the height after the last stored block. `run` calls it; a
    /// caller that delivers events itself (the simulator) calls it once, then `handle`.
    public func start() async throws {
        now = clock.now()
        try await boot()
        try await announceIfChanged()
    }

    /// Handles one event to completion, app calls included, then tells peers if our round
    /// state changed. Throws a `NodeError` when the node must halt.
    public func handle(_ event: Event) async throws {
        now = clock.now()
        try await dispatch(event)
        skipTimeoutCommitIfAllPrecommitted()
        try await announceIfChanged()
    }

    private func dispatch(_ event: Event) async throws {
        switch event {
        case let .peerMessage(peer, channel, bytes):
            let stale = counters.staleMessages
            if channel == NodeChannel.blockSync {
                try await receiveBlockSync(bytes, from: peer)
            } else {
                try await receive(bytes, channel: channel, from: peer)
            }
            if counters.staleMessages > stale || channel == NodeChannel.consensusState, unproductive.record(peer) {
                await reject(peer, "more than \(UnproductiveTraffic.limitPerHeartbeat) stale or round-step messages "
                    + "since the last heartbeat")
            }
        case .peerConnected(let peer):
            reactor.connected(peer)
            await network.send(to: peer, channel: NodeChannel.consensusState,
                               bytes: ConsensusWireMessage.newRoundStep(roundState).encoded(), priority: .own)
        case .peerDisconnected(let peer):
            reactor.disconnected(peer)
            unproductive.forget(peer)
            servedBytes[peer] = nil
            // What it owed block sync will never come: its heights go to the others now, not
            // after the request timeout (15 s of a stalled window).
            sync.forget(peer)
            try await requestBlocks()
        case .timeout(let timeout):
            // While block sync moves the chain, the core's height is behind it: nothing to time out.
            guard !syncing else { return }
            try await feed(.timeout(timeout, now: now))
        case .startHeight(let height):
            guard !syncing, height == chain.nextHeight, height > core.height else { return }
            try await enterHeight()
        case .txsAvailable(let height):
            try await stopWaiting(at: height, because: "transactions are available")
        case .createEmptyBlocksInterval(let height):
            try await stopWaiting(at: height, because: "create_empty_blocks_interval passed")
        case .heartbeat:
            unproductive.heartbeat()
            servedBytes = [:]
            try await syncTick()
            await network.broadcast(channel: NodeChannel.consensusState,
                                    bytes: ConsensusWireMessage.newRoundStep(roundState).encoded(), priority: .own)
        }
    }

    /// Where we are, as peers are told.
    var roundState: PeerRoundState {
        PeerRoundState(height: core.height, round: core.round, step: core.step.wireValue,
                       lastStoredHeight: chain.lastBlockHeight, storedBase: storedBase)
    }

    /// Not while block sync runs: then only the stored height moves, block after block, and
    /// peers hear it with every heartbeat's round state instead of three sends per block (each
    /// a message every peer's driver handles, on the cores the sync shares with them).
    private func announceIfChanged() async throws {
        guard !syncing else { return }
        let state = roundState
        guard reactor.announce(state) else { return }
        metrics.consensus.roundStep(height: core.height, round: core.round, step: core.step, at: now)
        await network.broadcast(channel: NodeChannel.consensusState,
                                bytes: ConsensusWireMessage.newRoundStep(state).encoded(), priority: .own)
        if let proposer = core.proposer(round: state.round), let validators = core.validators {
            observer.roundChanged(height: state.height, round: state.round, step: core.step, proposer: proposer,
                                  proposerIndex: Int32(validators.index(of: proposer) ?? 0))
        }
    }

    /// What operators and RPC see.
    public func snapshot() -> DriverSnapshot {
        DriverSnapshot(height: core.height, round: core.round, step: core.step, lockedRound: core.lockedRound,
                       validRound: core.validRound, lastBlockHeight: chain.lastBlockHeight, chain: chain,
                       peers: reactor.peers.count, counters: counters)
    }
}

extension Step {
    var wireValue: UInt8 {
        switch self {
        case .propose: 0
        case .prevote: 1
        case .precommit: 2
        }
    }
}

/// Things worth counting that must not stop the node: a dropped vote is normal (late, or for an
/// old height), an invalid one means a broken or hostile peer.
public struct DriverCounters: Sendable, Hashable {
    public var invalidMessages = 0
    public var staleMessages = 0
    public var blocksCommitted = 0
    public var catchUpBlocks = 0
}

public struct DriverSnapshot: Sendable {
    public var height: Int64
    public var round: Int32
    public var step: Step
    public var lockedRound: Int32
    public var validRound: Int32
    public var lastBlockHeight: Int64
    public var chain: ChainState
    public var peers: Int
    public var counters: DriverCounters
}
