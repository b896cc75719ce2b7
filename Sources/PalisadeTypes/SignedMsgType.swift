/// What a signature is over. The raw values are CometBFT's `SignedMsgType` and go into sign bytes.
public enum SignedMsgType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case prevote = 1
    case precommit = 2
    case proposal = 32

    public var description: String {
        switch self {
        case .prevote: "Prevote"
        case .precommit: "Precommit"
        case .proposal: "Proposal"
        }
    }
}

/// The two kinds of vote. A vote's `type` is never `.proposal`; this keeps that out of the type system.
public enum VoteType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case prevote = 1
    case precommit = 2

    public var signedMsgType: SignedMsgType { self == .prevote ? .prevote : .precommit }
    public var description: String { signedMsgType.description }
}
