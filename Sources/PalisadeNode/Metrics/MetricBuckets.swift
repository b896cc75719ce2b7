import Foundation

/// CometBFT v0.38's histogram buckets, by metric: dashboards compute quantiles from the bucket
/// bounds, so ours are the same.
enum MetricBuckets {
    /// Prometheus' default buckets, which CometBFT's histograms without their own use.
    static let prometheusDefault: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `start`, `start * factor`, … (`count` bounds): Prometheus' `ExponentialBuckets`.
    static func exponential(start: Double, factor: Double, count: Int) -> [Double] {
        (0..<count).map { start * pow(factor, Double($0)) }
    }

    /// `count` bounds from `min` to `max`, evenly spaced in log scale: `ExponentialBucketsRange`.
    static func exponentialRange(min: Double, max: Double, count: Int) -> [Double] {
        exponential(start: min, factor: pow(max / min, 1 / Double(count - 1)), count: count)
    }

    /// `start`, `start + width`, … (`count` bounds): `LinearBuckets`.
    static func linear(start: Double, width: Double, count: Int) -> [Double] {
        (0..<count).map { start + width * Double($0) }
    }

    /// Every histogram `NodeMetrics` makes, by its full name.
    static func all(namespace: String) -> [String: [Double]] {
        func name(_ subsystem: String, _ name: String) -> String {
            MetricNamer.fullName(namespace: namespace, subsystem: subsystem, name: name)
        }
        return [
            name("consensus", "block_interval_seconds"): prometheusDefault,
            // `metrics_buckettype:"exprange" metrics_bucketsizes:"0.1, 100, 8"`
            name("consensus", "step_duration_seconds"): exponentialRange(min: 0.1, max: 100, count: 8),
            // `metrics_buckettype:"exp" metrics_bucketsizes:"1,3,7"`
            name("mempool", "tx_size_bytes"): exponential(start: 1, factor: 3, count: 7),
            // `metrics_buckettype:"lin" metrics_bucketsizes:"1, 10, 10"`, in milliseconds
            name("state", "block_processing_time"): linear(start: 1, width: 10, count: 10),
        ]
    }
}
