/// Exponential backoff with jitter for redialling a persistent peer: waits start at `initial`,
/// double after each failed attempt up to `maximum`, and vary by ±20% so that nodes restarted
/// together do not dial each other in lock step.
struct DialBackoff {
    let initial: Duration
    let maximum: Duration
    private(set) var current: Duration

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.current = initial
    }

    /// The wait before the next attempt; grows the one after.
    mutating func next(using generator: inout some RandomNumberGenerator) -> Duration {
        let wait = current * Double.random(in: 0.8...1.2, using: &generator)
        current = min(current * 2, maximum)
        return wait
    }

    mutating func reset() { current = initial }
}
