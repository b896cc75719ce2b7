/// The paper's `step_p` (Algorithm 1, line 2): where a process is within a round.
public enum Step: Int8, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case propose = 1
    case prevote = 2
    case precommit = 3

    public static func < (lhs: Step, rhs: Step) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .propose: "propose"
        case .prevote: "prevote"
        case .precommit: "precommit"
        }
    }
}
