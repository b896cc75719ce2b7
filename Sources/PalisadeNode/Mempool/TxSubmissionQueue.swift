import PalisadeCrypto
import Synchronization

/// `broadcast_tx_async` submissions waiting for CheckTx. The RPC answers before CheckTx runs,
/// so its submissions can wait a moment and be admitted together: one `Mempool.checkTxs`
/// batch (one actor hop, one deadline) for whatever arrived while the previous batch was
/// checked, instead of a task, a hop and a timer per transaction (issue #14 item 2).
///
/// Bounded by the `SubmissionBudget` the RPC reserves before adding; `maxBatch` bounds what
/// one batch asks the app under one CheckTx deadline.
final class TxSubmissionQueue: Sendable {
    /// 1,000 CheckTx calls take the in-process kvstore about 0.2 s (`palisade-bench abci`),
    /// far inside the 10 s `timeout_check_tx` one batch shares.
    static let maxBatch = 1000

    struct Submission: Sendable {
        let tx: Bytes
        /// Called once CheckTx has answered (the RPC releases its budget).
        let checked: @Sendable () -> Void
    }

    private let state = Mutex((waiting: [Submission](), draining: false))

    /// Queues `submission`; true when no drain is running and the caller must start one.
    func add(_ submission: Submission) -> Bool {
        state.withLock { state in
            state.waiting.append(submission)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
    }

    /// The oldest submissions, at most `maxBatch`; empty (and the drain over) when none wait.
    func take() -> [Submission] {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.draining = false
                return []
            }
            let batch = Array(state.waiting.prefix(Self.maxBatch))
            state.waiting.removeFirst(batch.count)
            return batch
        }
    }
}
