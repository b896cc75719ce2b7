import PalisadeTypes

/// Proposals and votes for the next height that arrive while this one is still running (others
/// decided first, or we are executing the block). Replaying them at `startHeight` saves a round of
/// gossip. Bounded in count, because their signers' validator set is not known yet: beyond the
/// bound new messages are dropped and gossip has to deliver them again.
struct FutureHeightBuffer: Sendable, Equatable {
    /// A message without its arrival time: the same vote received twice is held once.
    private enum Message: Hashable {
        case proposal(Proposal)
        case vote(Vote)
    }

    let limit: Int
    private(set) var inputs: [Input] = []
    private var seen: Set<Message> = []

    init(limit: Int) { self.limit = max(limit, 0) }

    var count: Int { inputs.count }

    /// Keeps a proposal or vote unless it is already held or the buffer is full; returns whether it was kept.
    mutating func insert(_ input: Input) -> Bool {
        let message: Message
        switch input {
        case .proposal(let proposal, _): message = .proposal(proposal)
        case .vote(let vote, _): message = .vote(vote)
        default: return false
        }
        guard inputs.count < limit, !seen.contains(message) else { return false }
        inputs.append(input)
        seen.insert(message)
        return true
    }

    /// Empties the buffer, returning what it held in arrival order.
    mutating func drain() -> [Input] {
        defer {
            inputs = []
            seen = []
        }
        return inputs
    }
}
