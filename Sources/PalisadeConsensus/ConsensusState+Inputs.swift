import PalisadeTypes

/// Taking inputs into the message log. Each `receive` returns whether the state changed; only then
/// is the input persisted and the rules re-evaluated.
extension ConsensusState {
    /// Applies `input` and then every rule it enabled, appending the directives it caused.
    mutating func apply(_ input: Input, into effects: inout [Directive]) -> Bool {
        let changed: Bool
        switch input {
        case .startHeight(let start):
            changed = receive(start, into: &effects)
        case .proposal(let proposal, _):
            changed = receive(proposal, as: input)
        case .vote(let vote, _):
            changed = receive(vote, as: input, into: &effects)
        case .proposalValidity(let height, let round, let blockID, let valid, _):
            changed = receiveValidity(height: height, round: round, blockID: blockID, valid: valid)
        case .proposalValue(let height, let round, let blockID, let now):
            changed = receiveValue(height: height, round: round, blockID: blockID, now: now, into: &effects)
        case .timeout(let timeout, let now):
            changed = receive(timeout, now: now, into: &effects)
        }
        if changed { runRules(now: input.now, into: &effects) }
        return changed
    }

    /// L10 / L54: a new height starts at round 0 with the lock and valid value reset.
    private mutating func receive(_ start: HeightStart, into effects: inout [Directive]) -> Bool {
        guard start.height > height else { return false }
        height = start.height
        lockedValue = nil
        lockedRound = -1
        validValue = nil
        validRound = -1
        decisions = decisions.filter { $0.key >= start.height - 1 }
        let ownIndex = validatorAddress.flatMap { start.validators.index(of: $0) }
        context = HeightContext(validators: start.validators, lastBlockTime: start.lastBlockTime, ownIndex: ownIndex,
                                votes: VoteKeeper(height: start.height, validators: start.validators))
        startRound(0, now: start.now, into: &effects)  // L10
        for buffered in futureHeight.drain() {
            _ = apply(buffered, into: &effects)
        }
        return true
    }

    /// Keeps every distinct proposal of a round, as the paper's message log does: a proposer
    /// that equivocates may have shown others a different value, and L36/L49 must be able to use
    /// the one they lock on or decide. Capped per round, and far-future rounds (for L49 in a round
    /// we have not reached) are capped too, so a Byzantine proposer cannot fill memory.
    private mutating func receive(_ proposal: Proposal, as input: Input) -> Bool {
        if proposal.height == height + 1 { return futureHeight.insert(input) }
        guard context != nil, proposal.height == height, !hasDecided,
              proposal.round >= 0, proposal.round < Self.roundLimit,
              proposal.polRound >= -1, proposal.polRound < proposal.round,
              proposal.blockID.isComplete else { return false }
        let held = context?.proposals[proposal.round] ?? []
        guard held.count < Self.proposalsPerRound,
              !held.contains(where: { $0.blockID == proposal.blockID && $0.polRound == proposal.polRound })
        else { return false }
        if held.isEmpty, proposal.round > round + 1 {
            let far = context?.proposals.keys.filter { $0 > round + 1 } ?? []
            if far.count >= Self.farProposalRounds {
                guard let lowest = far.min(), proposal.round > lowest else { return false }
                context?.proposals[lowest] = nil
            }
        }
        context?.proposals[proposal.round, default: []].append(proposal)
        return true
    }

    private mutating func receive(_ vote: Vote, as input: Input, into effects: inout [Directive]) -> Bool {
        if vote.height == height + 1 { return futureHeight.insert(input) }
        guard vote.height == height, vote.round < Self.roundLimit,
              vote.blockID.isZero || vote.blockID.isComplete,
              let outcome = context?.votes.add(vote) else { return false }
        switch outcome {
        case .ignored:
            return false
        case .equivocation(let first):
            effects.append(.duplicateVote(first: first, second: vote))
            if hasDecided { recordLatePrecommit(vote) }
            return true
        case .counted:
            if hasDecided { recordLatePrecommit(vote) }
            return true
        }
    }

    /// Checklist item 8: the app's `valid(v)` for a block that arrived. The first verdict stands.
    private mutating func receiveValidity(height: Int64, round: Int32, blockID: BlockID, valid: Bool) -> Bool {
        guard height == self.height, round >= 0, !hasDecided, blockID.isComplete, context != nil,
              context?.blockValidity[blockID] == nil else { return false }
        context?.blockValidity[blockID] = valid
        return true
    }

    /// L16–L19: the app built our value (`getValue()`); propose it with validRound_p.
    private mutating func receiveValue(height: Int64, round: Int32, blockID: BlockID, now: Timestamp,
                                       into effects: inout [Directive]) -> Bool {
        guard height == self.height, round == self.round, step == .propose, !hasDecided, blockID.isComplete,
              context?.roundFlags.awaitingProposalValue == true else { return false }
        context?.roundFlags.awaitingProposalValue = false
        if context?.blockValidity[blockID] == nil { context?.blockValidity[blockID] = true }
        propose(blockID, now: now, into: &effects)
        return true
    }

    /// L57, L61, L65. Each handler re-checks (h, r, step): a stale timeout changes nothing.
    private mutating func receive(_ timeout: Timeout, now: Timestamp, into effects: inout [Directive]) -> Bool {
        guard context != nil, timeout.height == height, timeout.round == round, !hasDecided else { return false }
        switch timeout.step {
        case .propose:
            guard step == .propose else { return false }
            castVote(.prevote, for: .zero, now: now, into: &effects)  // L59
            step = .prevote  // L60
        case .prevote:
            guard step == .prevote else { return false }
            castVote(.precommit, for: .zero, now: now, into: &effects)  // L63
            step = .precommit  // L64
        case .precommit:
            guard round + 1 < Self.roundLimit else { return false }
            startRound(round + 1, now: now, into: &effects)  // L67
        }
        return true
    }

    /// A precommit for the decided round that arrives after the decision joins the stored commit,
    /// so the next block's `LastCommit` carries as many signatures as we heard before moving on.
    private mutating func recordLatePrecommit(_ vote: Vote) {
        guard vote.type == .precommit, let decision = decisions[height], vote.round == decision.round,
              let index = Int(exactly: vote.validatorIndex), decision.commit.signatures.indices.contains(index),
              let precommits = context?.votes.tally(round: vote.round, type: .precommit).votes(by: index) else { return }
        decisions[height]?.commit.signatures[index] = VoteKeeper.commitSig(from: precommits, decided: decision.blockID)
        decisions[height]?.extensions[index] = VoteKeeper.voteExtension(from: precommits, decided: decision.blockID)
    }
}
