import CoreMetrics

/// Makes metrics the way CometBFT names them, `<namespace>_<subsystem>_<name>`, each carrying the
/// `chain_id` label CometBFT's node adds to every metric, from one factory passed in (never the
/// global `MetricsSystem`: several nodes in one test process each keep their own registry).
struct MetricNamer: Sendable {
    let factory: any MetricsFactory
    let namespace: String
    let chainID: String

    static func fullName(namespace: String, subsystem: String, name: String) -> String {
        "\(namespace)_\(subsystem)_\(name)"
    }

    private func dimensions(_ labels: [(String, String)]) -> [(String, String)] {
        [("chain_id", chainID)] + labels
    }

    private func label(_ subsystem: String, _ name: String) -> String {
        Self.fullName(namespace: namespace, subsystem: subsystem, name: name)
    }

    /// A Prometheus gauge that is set.
    func gauge(_ subsystem: String, _ name: String, _ labels: [(String, String)] = []) -> Gauge {
        Gauge(label: label(subsystem, name), dimensions: dimensions(labels), factory: factory)
    }

    /// A Prometheus gauge that is added to (CometBFT's `Gauge.Add`).
    func addingGauge(_ subsystem: String, _ name: String, _ labels: [(String, String)] = []) -> Meter {
        Meter(label: label(subsystem, name), dimensions: dimensions(labels), factory: factory)
    }

    func counter(_ subsystem: String, _ name: String, _ labels: [(String, String)] = []) -> Counter {
        Counter(label: label(subsystem, name), dimensions: dimensions(labels), factory: factory)
    }

    /// A Prometheus histogram; its buckets are the factory's for this name (`MetricBuckets`).
    func histogram(_ subsystem: String, _ name: String, _ labels: [(String, String)] = []) -> Recorder {
        Recorder(label: label(subsystem, name), dimensions: dimensions(labels), aggregate: true, factory: factory)
    }
}
