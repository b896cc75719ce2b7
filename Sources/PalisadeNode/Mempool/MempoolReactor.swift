import Foundation
import Logging
import PalisadeCrypto
import PalisadeMempool
import PalisadeProto

/// Transactions between peers: each one that passes CheckTx here is passed on to every peer.
/// A peer that already has it answers from its seen-cache, which is what stops the flood. Kept
/// apart from the consensus driver so a slow CheckTx never delays a vote.
public actor MempoolReactor {
    let mempool: Mempool
    let network: any PeerNetwork
    let logger: Logger
    let broadcastEnabled: Bool
    let metrics: MempoolMetrics

    public init(mempool: Mempool, network: any PeerNetwork, broadcast: Bool = true,
                metrics: MempoolMetrics = NodeMetrics.none.mempool, logger: Logger) {
        self.mempool = mempool
        self.network = network
        self.broadcastEnabled = broadcast
        self.metrics = metrics
        self.logger = logger
    }

    /// A transaction from a client (RPC `broadcast_tx_*`).
    public func submit(_ tx: Bytes) async -> CheckTxOutcome {
        let outcome = await mempool.checkTx(tx)
        metrics.checked(tx, outcome)
        if outcome.isAccepted { await relay([tx]) }
        logIfAppFailed(outcome)
        return outcome
    }

    /// Transactions from a peer. Undecodable bytes disconnect it; rejected transactions do not
    /// (its app state may simply differ from ours for a moment).
    public func receive(_ bytes: Bytes, from peer: String) async {
        let message: Palisade_P2p_Txs
        do { message = try Palisade_P2p_Txs(serializedBytes: bytes) } catch {
            logger.warning("disconnecting peer", metadata: ["peer": "\(peer)", "reason": "undecodable mempool message"])
            await network.disconnect(peer: peer, reason: "undecodable mempool message")
            return
        }
        var accepted: [Bytes] = []
        for tx in message.txs {
            let bytes = Bytes(tx)
            let outcome = await mempool.checkTx(bytes, from: peer)
            metrics.checked(bytes, outcome)
            if outcome.isAccepted { accepted.append(bytes) }
            logIfAppFailed(outcome)
        }
        if !accepted.isEmpty { await relay(accepted) }
    }

    /// A CheckTx that threw or timed out is the app's failure, which the operator must see.
    private func logIfAppFailed(_ outcome: CheckTxOutcome) {
        guard case .rejected(.appFailed(let reason)) = outcome else { return }
        logger.error("CheckTx failed; transaction refused", metadata: ["reason": "\(reason)"])
    }

    private func relay(_ txs: [Bytes]) async {
        guard broadcastEnabled else { return }
        var message = Palisade_P2p_Txs()
        message.txs = txs.map { Data($0) }
        guard let bytes = try? message.serializedBytes() as Bytes else { return }
        await network.broadcast(channel: NodeChannel.mempool, bytes: bytes)
    }
}
