import CoreMetrics

/// CometBFT's `blocksync` metric: whether the node is catching up by block sync.
public struct BlockSyncMetrics: Sendable {
    let syncingGauge: Gauge

    init(_ namer: MetricNamer) {
        syncingGauge = namer.gauge("blocksync", "syncing")
    }

    func syncing(_ on: Bool) {
        syncingGauge.record(on ? 1 : 0)
    }
}
