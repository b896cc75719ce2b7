/// A point in time as CometBFT carries it: seconds since the Unix epoch and nanoseconds, UTC.
/// The pure layers never read a clock; timestamps arrive as inputs.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Go's zero `time.Time` (0001-01-01T00:00:00Z), which CometBFT signs for votes without a time.
    public static let goZero = Timestamp(seconds: -62_135_596_800, nanos: 0)

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }

    /// Nanoseconds since the epoch; traps on overflow (years beyond 2262 are not timestamps we accept).
    public var unixNanos: Int64 { seconds * 1_000_000_000 + Int64(nanos) }

    public init(unixNanos: Int64) {
        var s = unixNanos / 1_000_000_000
        var n = unixNanos % 1_000_000_000
        if n < 0 { n += 1_000_000_000; s -= 1 }
        self.init(seconds: s, nanos: Int32(n))
    }

    public func adding(milliseconds: Int64) -> Timestamp { adding(nanoseconds: milliseconds * 1_000_000) }

    public func adding(nanoseconds: Int64) -> Timestamp {
        var s = seconds + nanoseconds / 1_000_000_000
        var n = Int64(nanos) + nanoseconds % 1_000_000_000
        if n >= 1_000_000_000 { n -= 1_000_000_000; s += 1 }
        if n < 0 { n += 1_000_000_000; s -= 1 }
        return Timestamp(seconds: s, nanos: Int32(n))
    }

    public var description: String { rfc3339 }
}
