import CoreMetrics

/// CometBFT's `state` metric: how long the app's FinalizeBlock took.
public struct StateMetrics: Sendable {
    /// `block_processing_time`, in milliseconds as CometBFT's.
    let blockProcessingTime: Recorder
    /// False for `NodeMetrics.none`: then nothing reads the clock.
    let isEnabled: Bool

    init(_ namer: MetricNamer, isEnabled: Bool) {
        blockProcessingTime = namer.histogram("state", "block_processing_time")
        self.isEnabled = isEnabled
    }

    /// Runs FinalizeBlock and records its duration. The metrics' own monotonic clock: the value
    /// goes to Prometheus only, never into consensus, so the runtime's clock port is not involved.
    func timeFinalizeBlock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        guard isEnabled else { return try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        let elapsed = start.duration(to: clock.now).components
        blockProcessingTime.record(Double(elapsed.seconds) * 1_000 + Double(elapsed.attoseconds) / 1e15)
        return result
    }
}
