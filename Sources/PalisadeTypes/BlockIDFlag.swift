/// How a validator's precommit entered a commit. The raw values are CometBFT's `BlockIDFlag` and
/// appear in the commit's protobuf (and so in the `LastCommitHash`).
public enum BlockIDFlag: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No precommit from this validator made it into the commit (or it was for another block).
    case absent = 1
    /// A precommit for the committed block: its power counts towards the +2/3.
    case commit = 2
    /// A precommit for nil: signed and checked, but its power does not count.
    case `nil` = 3

    public var description: String {
        switch self {
        case .absent: "ABSENT"
        case .commit: "COMMIT"
        case .nil: "NIL"
        }
    }
}
