import PalisadeCrypto

/// Accepted transactions waiting to be relayed, taken in batches: one `Txs` message per batch
/// instead of one per transaction (issue #14 item 2), so a thousand client submissions cost each
/// peer a handful of messages, frames and decodes. Batches keep arrival order and stay under
/// `maxBatchBytes`, which must not exceed what a peer's mempool channel accepts
/// (`ChannelLimits.mempool`): a batch is never larger than the largest single transaction
/// allowed, plus framing that the channel limit leaves room for.
///
/// Unbounded by count itself: it only holds transactions the mempool accepted, which the
/// mempool's own `size` and `max_txs_bytes` bound.
struct TxRelayQueue {
    /// Bytes a transaction adds to a `Txs` message beyond its own: the field tag and a length
    /// varint (5 bytes covers any length under 4 GiB; counted generously).
    static let framingBytes = 6

    let maxBatchBytes: Int
    private var waiting: [Bytes] = []
    private var head = 0

    init(maxBatchBytes: Int) {
        self.maxBatchBytes = maxBatchBytes
    }

    var isEmpty: Bool { head == waiting.count }

    mutating func append(_ tx: Bytes) {
        waiting.append(tx)
    }

    /// The oldest transactions whose message fits in `maxBatchBytes`; at least one, so a
    /// transaction as large as the limit still goes (alone). Empty when nothing waits.
    mutating func takeBatch() -> [Bytes] {
        var batch: [Bytes] = []
        var bytes = 0
        while head < waiting.count {
            let size = waiting[head].count + Self.framingBytes
            guard batch.isEmpty || bytes + size <= maxBatchBytes else { break }
            batch.append(waiting[head])
            bytes += size
            head += 1
        }
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        }
        return batch
    }
}
