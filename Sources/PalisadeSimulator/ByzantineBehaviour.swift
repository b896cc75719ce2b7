/// How a Byzantine validator misbehaves. Each runs the real core; the fault is in what its
/// shell does with the core's output or its durable state.
public enum ByzantineBehaviour: Sendable, Hashable, CustomStringConvertible {
    /// As proposer, signs two different proposals for one (height, round) and sends each to
    /// one half of its peers. `invalidSecond` makes the second block one the app rejects.
    case equivocatingProposer(invalidSecond: Bool)
    /// Proposes only blocks every correct node's app rejects (ProcessProposal says no).
    case invalidProposer
    /// Two core instances with one key and separate signers ("twins"), each linked to a
    /// different part of the network: each votes as the part it sees leads it, so they double-vote
    /// (and, as proposers, equivocate).
    case twins
    /// Crashes at `at` and restarts `downFor` later without its WAL or signer record, so it
    /// forgets its lock and its votes in the current height.
    case amnesia(at: SimTime, downFor: SimTime)

    public var description: String {
        switch self {
        case .equivocatingProposer(let invalid): invalid ? "equivocator(invalid 2nd)" : "equivocator"
        case .invalidProposer: "invalid-proposer"
        case .twins: "twins"
        case let .amnesia(at, downFor): "amnesia(at \(at)ms, down \(downFor)ms)"
        }
    }
}
