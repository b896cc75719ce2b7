import CoreMetrics
import PalisadeCrypto
import Prometheus

/// The node's metrics port (ARCHITECTURE §4a): CometBFT v0.38's metrics, by subsystem, made from
/// one `MetricsFactory` handed in. The runtime records through it; the consensus core and the
/// types never see it. `none` records nothing (tests, the simulator, a node with
/// `[instrumentation] prometheus = false`); `prometheus` records into a registry of the node's own,
/// so several nodes in one process each serve their own `/metrics`.
public struct NodeMetrics: Sendable {
    public var consensus: ConsensusMetrics
    public let p2p: P2PMetrics
    public let mempool: MempoolMetrics
    public let state: StateMetrics
    public let blockSync: BlockSyncMetrics
    /// False when nothing is recorded: work done only for a metric (a block's encoded size, a
    /// clock read) is skipped.
    public let isEnabled: Bool

    public init(factory: any MetricsFactory, namespace: String = "cometbft", chainID: String,
                validatorAddress: Address?, isEnabled: Bool = true) {
        let namer = MetricNamer(factory: factory, namespace: namespace, chainID: chainID)
        consensus = ConsensusMetrics(namer, validatorAddress: validatorAddress)
        p2p = P2PMetrics(namer)
        mempool = MempoolMetrics(namer)
        state = StateMetrics(namer, isEnabled: isEnabled)
        blockSync = BlockSyncMetrics(namer)
        self.isEnabled = isEnabled
        blockSync.syncing(false)
    }

    /// Records nothing.
    public static let none = NodeMetrics(factory: NOOPMetricsHandler.instance, chainID: "", validatorAddress: nil,
                                         isEnabled: false)

    /// Records into `registry` (the node's own), with CometBFT's histogram buckets.
    public static func prometheus(registry: PrometheusCollectorRegistry, namespace: String, chainID: String,
                                  validatorAddress: Address?) -> NodeMetrics {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = MetricBuckets.all(namespace: namespace)
        return NodeMetrics(factory: factory, namespace: namespace, chainID: chainID, validatorAddress: validatorAddress)
    }
}
