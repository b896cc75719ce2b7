import Foundation
import Logging
import PalisadeCrypto
import PalisadeMempool
import PalisadeProto

/// Transactions between peers: each one that passes CheckTx here is passed on to every peer.
/// A peer that already has it answers from its seen-cache, which is what stops the flood. Kept
/// apart from the consensus driver so a slow CheckTx never delays a vote.
///
/// Client transactions are relayed in batches (group commit): the first accepted one starts a
/// relay loop, and everything accepted while that loop's message is being handed to the peers
/// goes out together in the next message. One transaction alone still leaves at once; under
/// load the batches grow by themselves, with no timer.
public actor MempoolReactor {
    let mempool: Mempool
    let network: any PeerNetwork
    let logger: Logger
    let broadcastEnabled: Bool
    let metrics: MempoolMetrics
    private var relayQueue: TxRelayQueue
    private let submissions = TxSubmissionQueue()
    private var relaying = false

    public init(mempool: Mempool, network: any PeerNetwork, broadcast: Bool = true,
                metrics: MempoolMetrics = NodeMetrics.none.mempool, logger: Logger) {
        self.mempool = mempool
        self.network = network
        self.broadcastEnabled = broadcast
        self.metrics = metrics
        self.logger = logger
        relayQueue = TxRelayQueue(maxBatchBytes: mempool.config.maxTxBytes)
    }

    /// A transaction from a client (RPC `broadcast_tx_*`).
    public func submit(_ tx: Bytes) async -> CheckTxOutcome {
        let outcome = await mempool.checkTx(tx)
        metrics.checked(tx, outcome)
        if outcome.isAccepted { queueRelay(tx) }
        logIfAppFailed(outcome)
        return outcome
    }

    /// A client transaction whose answer nobody waits for (`broadcast_tx_async`): queued and
    /// admitted with whatever else is queued meanwhile, in one `checkTxs` batch; `checked` runs
    /// when its CheckTx has answered.
    public nonisolated func submitLater(_ tx: Bytes, checked: @escaping @Sendable () -> Void) {
        guard submissions.add(.init(tx: tx, checked: checked)) else { return }
        Task { await self.admitQueued() }
    }

    /// Admits queued submissions batch by batch until none is left; while one batch is with
    /// the app, the next one gathers.
    private func admitQueued() async {
        while true {
            let batch = submissions.take()
            guard !batch.isEmpty else { return }
            let txs = batch.map(\.tx)
            let outcomes = await mempool.checkTxs(txs)
            for (tx, outcome) in zip(txs, outcomes) {
                metrics.checked(tx, outcome)
                if outcome.isAccepted { queueRelay(tx) }
                logIfAppFailed(outcome)
            }
            for submission in batch { submission.checked() }
        }
    }

    /// Transactions from a peer, admitted as one batch (`Mempool.checkTxs`). Undecodable bytes
    /// disconnect it; rejected transactions do not (its app state may simply differ from ours
    /// for a moment).
    public func receive(_ bytes: Bytes, from peer: String) async {
        let message: Palisade_P2p_Txs
        do { message = try Palisade_P2p_Txs(serializedBytes: bytes) } catch {
            logger.warning("disconnecting peer", metadata: ["peer": "\(peer)", "reason": "undecodable mempool message"])
            await network.disconnect(peer: peer, reason: "undecodable mempool message")
            return
        }
        let txs = message.txs.map { Bytes($0) }
        let outcomes = await mempool.checkTxs(txs, from: peer)
        var accepted: [Bytes] = []
        for (tx, outcome) in zip(txs, outcomes) {
            metrics.checked(tx, outcome)
            if outcome.isAccepted { accepted.append(tx) }
            logIfAppFailed(outcome)
        }
        if !accepted.isEmpty { await relay(accepted) }
    }

    /// A CheckTx that threw or timed out is the app's failure, which the operator must see.
    private func logIfAppFailed(_ outcome: CheckTxOutcome) {
        guard case .rejected(.appFailed(let reason)) = outcome else { return }
        logger.error("CheckTx failed; transaction refused", metadata: ["reason": "\(reason)"])
    }

    /// Queues a client transaction for the relay loop, starting the loop if it is not running.
    private func queueRelay(_ tx: Bytes) {
        guard broadcastEnabled else { return }
        relayQueue.append(tx)
        guard !relaying else { return }
        relaying = true
        Task { await self.relayQueued() }
    }

    /// Sends batches until none is left; while one is being sent, the next one gathers. Only
    /// one loop runs at a time, so batches leave in the order their transactions were accepted.
    private func relayQueued() async {
        while true {
            let batch = relayQueue.takeBatch()
            guard !batch.isEmpty else {
                relaying = false
                return
            }
            await relay(batch)
        }
    }

    private func relay(_ txs: [Bytes]) async {
        guard broadcastEnabled else { return }
        var message = Palisade_P2p_Txs()
        message.txs = txs.map { Data($0) }
        guard let bytes = try? message.serializedBytes() as Bytes else { return }
        await network.broadcast(channel: NodeChannel.mempool, bytes: bytes)
    }
}
