/// Round timeouts, `timeoutX(r) = initTimeoutX + r * timeoutDelta` (paper, "Timeouts"), with
/// CometBFT's `[consensus]` names and defaults so a `config.toml` maps onto it one to one.
/// Milliseconds, because the core has no clock: the shell turns them into timers.
public struct TimeoutConfig: Sendable, Hashable {
    public var timeoutPropose: Int64 = 3000
    public var timeoutProposeDelta: Int64 = 500
    public var timeoutPrevote: Int64 = 1000
    public var timeoutPrevoteDelta: Int64 = 500
    public var timeoutPrecommit: Int64 = 1000
    public var timeoutPrecommitDelta: Int64 = 500
    /// How long to wait after a decision, gathering late precommits, before the next height.
    public var timeoutCommit: Int64 = 1000

    public init() {}

    /// The timeout for `step` in `round`, in milliseconds.
    public func duration(_ step: Step, round: Int32) -> Int64 {
        let r = Int64(max(round, 0))
        switch step {
        case .propose: return timeoutPropose + r * timeoutProposeDelta
        case .prevote: return timeoutPrevote + r * timeoutPrevoteDelta
        case .precommit: return timeoutPrecommit + r * timeoutPrecommitDelta
        }
    }
}
