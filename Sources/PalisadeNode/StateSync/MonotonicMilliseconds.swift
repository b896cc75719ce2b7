/// Milliseconds since this value was made, on the monotonic clock: the time input that state
/// sync's I/O-free values (`ChunkQueue`, `ServeBudget`) take from the actors that own them.
struct MonotonicMilliseconds: Sendable {
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    init() {
        origin = clock.now
    }

    func now() -> Int64 {
        let duration = clock.now - origin
        return duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
