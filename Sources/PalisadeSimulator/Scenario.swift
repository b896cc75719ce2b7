/// A named fault mix. Each seed draws its own validator count (4…10 unless fixed), unequal
/// stakes, and the concrete faults of its mix from the seed's `.scenario` stream.
public enum Scenario: String, CaseIterable, Sendable, CustomStringConvertible {
    /// No faults at all: random latencies only, GST = 0.
    case clean
    /// Loss, duplication and heavy-tailed delays before GST.
    case lossy
    /// Symmetric and asymmetric partitions of random groups before GST.
    case partition
    /// Honest validators crash and restart from their WAL before GST.
    case crash
    /// Byzantine validators below 1/3 of the stake: equivocating and invalid proposers,
    /// double-voting twins, amnesia.
    case byzantine
    /// All of the above at once.
    case mixed
    /// Every validator crashes at once, one of them between two port calls of an event it was
    /// handling; all come back, some with an app behind their store. Liveness is owed after
    /// each full restart.
    case fullRestart = "full-restart"
    /// One validator is down for many heights, then comes back and catches up.
    case offline
    /// Byzantine stake above 1/3 (twins on both sides of an honest partition): the checker
    /// must report forks here, or it is broken.
    case negativeControl = "negative-control"

    /// The mixes that must produce zero violations.
    public static let faultMixes: [Scenario] = [.clean, .lossy, .partition, .crash, .byzantine, .mixed, .fullRestart, .offline]

    public var description: String { rawValue }

    /// Whether liveness is promised (not with more than 1/3 Byzantine).
    public var promisesLiveness: Bool { self != .negativeControl }
}
