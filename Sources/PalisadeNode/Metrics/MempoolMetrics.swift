import CoreMetrics
import PalisadeCrypto
import PalisadeMempool

/// CometBFT's `mempool` metrics, recorded by the mempool's owners: the reactor for each checked
/// transaction, the consensus runtime for the recheck after a block, the node for the sizes.
public struct MempoolMetrics: Sendable {
    let size: Gauge
    let sizeBytes: Gauge
    /// `tx_size_bytes`: each transaction admitted (CometBFT observes it when CheckTx passes).
    let txSizeBytes: Recorder
    /// `failed_txs`: transactions the app's CheckTx rejected.
    let failedTxs: Counter
    /// `recheck_times`: CheckTx answers during rechecks, one per transaction rechecked.
    let recheckTimes: Counter

    init(_ namer: MetricNamer) {
        size = namer.gauge("mempool", "size")
        sizeBytes = namer.gauge("mempool", "size_bytes")
        txSizeBytes = namer.histogram("mempool", "tx_size_bytes")
        failedTxs = namer.counter("mempool", "failed_txs")
        recheckTimes = namer.counter("mempool", "recheck_times")
    }

    func checked(_ tx: Bytes, _ outcome: CheckTxOutcome) {
        switch outcome {
        case .accepted: txSizeBytes.record(tx.count)
        case .rejected(.appRejected): failedTxs.increment()
        case .rejected: break
        }
    }

    func rechecked(_ count: Int) {
        if count > 0 { recheckTimes.increment(by: count) }
    }

    func contents(count: Int, bytes: Int64) {
        size.record(count)
        sizeBytes.record(bytes)
    }
}
