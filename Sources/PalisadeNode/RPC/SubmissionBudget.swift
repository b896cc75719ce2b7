import Synchronization

/// What `broadcast_tx_async` may have in flight: it answers before CheckTx runs, so without a
/// bound a client can start tasks (each holding its transaction) faster than the app checks
/// them. A submission reserves its bytes here and releases them when CheckTx has answered; one
/// that does not fit is refused at once, as a full mempool is, and the client can retry.
final class SubmissionBudget: Sendable {
    let maxCount: Int
    let maxBytes: Int
    private let used = Mutex((count: 0, bytes: 0))

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = max(1, maxCount)
        self.maxBytes = max(1, maxBytes)
    }

    /// Reserves room for `bytes`, or returns false when it does not fit.
    func reserve(_ bytes: Int) -> Bool {
        let (maxCount, maxBytes) = (maxCount, maxBytes)
        return used.withLock { used in
            guard used.count < maxCount, used.bytes + bytes <= maxBytes else { return false }
            used.count += 1
            used.bytes += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        used.withLock { used in
            used.count = max(0, used.count - 1)
            used.bytes = max(0, used.bytes - bytes)
        }
    }

    var inFlight: (count: Int, bytes: Int) {
        used.withLock { ($0.count, $0.bytes) }
    }
}
