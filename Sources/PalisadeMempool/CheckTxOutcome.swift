import PalisadeABCI

/// Why the mempool turned a transaction away. Each case is one of CometBFT's mempool errors, so a
/// client (or the RPC's `broadcast_tx_*`) can tell "try later" from "never".
public enum MempoolRejection: Error, Sendable, Hashable {
    /// Larger than `max_tx_bytes` (CometBFT's `ErrTxTooLarge`).
    case txTooLarge(size: Int, max: Int)
    /// Admitting it would pass `size` or `max_txs_bytes` (`ErrMempoolIsFull`); worth retrying
    /// after the next block.
    case mempoolIsFull(count: Int, maxCount: Int, bytes: Int64, maxBytes: Int64)
    /// Its hash is in the seen-cache (`ErrTxInCache`): in the mempool, recently committed, or
    /// rejected with `keep-invalid-txs-in-cache` on.
    case alreadySeen
    /// The app's CheckTx answered a non-zero code.
    case appRejected(code: UInt32, codespace: String, log: String)
    /// The app's CheckTx threw: the app is failing, not the transaction.
    case appFailed(String)
}

/// The answer to `Mempool.checkTx`.
public enum CheckTxOutcome: Sendable, Hashable {
    /// In the mempool, to be gossiped and proposed; carries the app's response (gas, data, events).
    case accepted(CheckTxResponse)
    case rejected(MempoolRejection)

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    public var rejection: MempoolRejection? {
        if case .rejected(let reason) = self { return reason }
        return nil
    }
}
