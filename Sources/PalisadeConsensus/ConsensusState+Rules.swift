import PalisadeTypes

/// The upon-rules, L22–L56. After every input they are re-evaluated until none fires, always in
/// the same order (checklist invariant 6) so that a WAL replay takes the same path:
/// L49, L36, L28, L22, L44, L34, L47, L55. A precommit quorum for a value beats round skipping,
/// and the current round finishes what it can before L55 leaves it. Every rule either changes
/// the step, the round, a "first time" flag or the decision, so the loop ends. Where a round holds
/// several proposals (an equivocating proposer), they are tried in arrival order.
extension ConsensusState {
    mutating func runRules(now: Timestamp, into effects: inout [Directive]) {
        while !hasDecided, fireOneRule(now: now, into: &effects) {}
    }

    private mutating func fireOneRule(now: Timestamp, into effects: inout [Directive]) -> Bool {
        guard let context else { return false }
        if decideIfPossible(context, into: &effects) { return true }
        let votes = context.votes
        let proposals = context.proposals[round] ?? []
        // L36: ⟨PROPOSAL, h, r, v, ∗⟩ ∧ 2f+1 ⟨PREVOTE, h, r, id(v)⟩ ∧ valid(v) ∧ step ≥ prevote, first time.
        if step >= .prevote, !context.roundFlags.validValueUpdated,
           let v = proposals.lazy.map(\.blockID).first(where: {
               context.blockValidity[$0] == true && votes.hasTwoThirds(round: round, type: .prevote, for: $0)
           }) {
            self.context?.roundFlags.validValueUpdated = true
            if step == .prevote {  // L37
                lockedValue = v  // L38: lock before the precommit leaves
                lockedRound = round  // L39
                castVote(.precommit, for: v, now: now, into: &effects)  // L40
                step = .precommit  // L41
            }
            validValue = v  // L42
            validRound = round  // L43
            return true
        }
        // L22 and L28 wait for the block's verdict (a full proposal): prevoting nil for a block
        // still in flight is L57's job.
        if step == .propose {
            for proposal in proposals {
                let v = proposal.blockID, vr = proposal.polRound
                guard let validity = context.blockValidity[v] else { continue }
                // L28: ⟨PROPOSAL, h, r, v, vr⟩ ∧ 2f+1 ⟨PREVOTE, h, vr, id(v)⟩ with 0 ≤ vr < r.
                if vr >= 0, vr < round, votes.hasTwoThirds(round: vr, type: .prevote, for: v) {
                    let acceptable = validity && (lockedRound <= vr || lockedValue == v)  // L29
                    castVote(.prevote, for: acceptable ? v : .zero, now: now, into: &effects)  // L30, L32
                    step = .prevote  // L33
                    return true
                }
                // L22: ⟨PROPOSAL, h, r, v, −1⟩.
                if vr == -1 {
                    let acceptable = validity && (lockedRound == -1 || lockedValue == v)  // L23
                    castVote(.prevote, for: acceptable ? v : .zero, now: now, into: &effects)  // L24, L26
                    step = .prevote  // L27
                    return true
                }
            }
        }
        // L44: 2f+1 ⟨PREVOTE, h, r, nil⟩ while step = prevote.
        if step == .prevote, votes.hasTwoThirds(round: round, type: .prevote, for: .zero) {
            castVote(.precommit, for: .zero, now: now, into: &effects)  // L45
            step = .precommit  // L46
            return true
        }
        // L34: 2f+1 ⟨PREVOTE, h, r, ∗⟩ while step = prevote, first time.
        if step == .prevote, !context.roundFlags.prevoteTimeoutScheduled,
           votes.hasTwoThirdsAny(round: round, type: .prevote) {
            self.context?.roundFlags.prevoteTimeoutScheduled = true
            schedule(.prevote, into: &effects)  // L35
            return true
        }
        // L47: 2f+1 ⟨PRECOMMIT, h, r, ∗⟩ in any step, first time.
        if !context.roundFlags.precommitTimeoutScheduled, votes.hasTwoThirdsAny(round: round, type: .precommit) {
            self.context?.roundFlags.precommitTimeoutScheduled = true
            schedule(.precommit, into: &effects)  // L48
            return true
        }
        // L55: f+1 ⟨∗, h, round, ∗⟩ with round > round_p: jump to the highest such round.
        if let skip = votes.highestSkipRound(above: round) {
            startRound(skip, now: now, into: &effects)  // L56
            return true
        }
        return false
    }

    /// L49: ⟨PROPOSAL, h, r, v, ∗⟩ ∧ 2f+1 ⟨PRECOMMIT, h, r, id(v)⟩ for any round r, with v valid.
    /// The core then waits for the shell's `startHeight(h + 1)` (L54) after executing the block.
    private mutating func decideIfPossible(_ context: HeightContext, into effects: inout [Directive]) -> Bool {
        for (r, v) in context.votes.precommitQuorumsByRound() {
            guard context.proposals[r]?.contains(where: { $0.blockID == v }) == true,
                  context.blockValidity[v] == true else { continue }
            let decision = Decision(height: height, round: r, blockID: v,
                                    commit: context.votes.commit(round: r, blockID: v),
                                    extensions: context.votes.extensions(round: r, blockID: v))
            decisions[height] = decision  // L51
            effects.append(.decide(decision))
            return true
        }
        return false
    }
}
