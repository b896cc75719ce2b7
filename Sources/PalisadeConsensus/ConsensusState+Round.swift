import PalisadeTypes

/// StartRound (L11–L21) and the messages a process sends.
extension ConsensusState {
    /// L11–L21. Unlike the paper, the proposer schedules timeoutPropose too (as CometBFT does): if
    /// the app never answers `.requestProposal`, or the signer refuses after a restart, the round
    /// still ends.
    mutating func startRound(_ newRound: Int32, now: Timestamp, into effects: inout [Directive]) {
        guard context != nil else { return }
        round = newRound  // L12
        step = .propose  // L13
        context?.roundFlags = RoundFlags()
        context?.votes.advance(toRound: newRound)
        let roundProposer = context?.validators.copyIncrementingProposerPriority(times: Int(newRound)).proposer?.address
        context?.roundProposer = roundProposer
        if let validatorAddress, roundProposer == validatorAddress, context?.ownIndex != nil {  // L14
            if let validValue {
                propose(validValue, now: now, into: &effects)  // L15, L19
            } else {
                context?.roundFlags.awaitingProposalValue = true  // L18: getValue() is asynchronous
                effects.append(.requestProposal(height: height, round: newRound))
            }
        }
        schedule(.propose, into: &effects)  // L21
    }

    /// L19: broadcast ⟨PROPOSAL, h_p, round_p, v, validRound_p⟩. The shell signs it and feeds it
    /// back as `Input.proposal`, which is when it enters our own message log.
    mutating func propose(_ blockID: BlockID, now: Timestamp, into effects: inout [Directive]) {
        effects.append(.signProposal(Proposal(height: height, round: round, polRound: validRound,
                                              blockID: blockID, timestamp: now)))
    }

    /// Sends ⟨type, h_p, round_p, id⟩ when we vote at this height. The timestamp is no earlier than
    /// the previous block's time + 1 ms, so BFT time (`MedianTime`) stays strictly increasing.
    mutating func castVote(_ type: VoteType, for blockID: BlockID, now: Timestamp, into effects: inout [Directive]) {
        guard let validatorAddress, let context, let ownIndex = context.ownIndex,
              let validatorIndex = Int32(exactly: ownIndex) else { return }
        let timestamp = max(now, context.lastBlockTime.adding(milliseconds: 1))
        effects.append(.signVote(Vote(type: type, height: height, round: round, blockID: blockID, timestamp: timestamp,
                                      validatorAddress: validatorAddress, validatorIndex: validatorIndex)))
    }

    /// `timeoutX(round_p) = initTimeoutX + round_p * timeoutDelta`, for (h_p, round_p).
    func schedule(_ step: Step, into effects: inout [Directive]) {
        effects.append(.scheduleTimeout(Timeout(height: height, round: round, step: step,
                                                duration: config.duration(step, round: round))))
    }
}
