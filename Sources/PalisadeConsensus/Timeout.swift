/// A timeout the core asked for and the shell delivers back as `Input.timeout` when it fires.
/// Handlers re-check (height, round, step), so a stale timeout is a no-op (paper L57, L61, L65).
public struct Timeout: Sendable, Hashable, CustomStringConvertible {
    public var height: Int64
    public var round: Int32
    public var step: Step
    /// Milliseconds from when the directive was issued.
    public var duration: Int64

    public init(height: Int64, round: Int32, step: Step, duration: Int64) {
        self.height = height
        self.round = round
        self.step = step
        self.duration = duration
    }

    public var description: String { "timeout(\(step) h=\(height) r=\(round) \(duration)ms)" }
}
