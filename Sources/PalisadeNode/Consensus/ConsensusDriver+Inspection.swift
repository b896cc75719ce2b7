import PalisadeConsensus
import PalisadeRPC
import PalisadeTypes

/// Read-only views of the driver for RPC (`consensus_state`, `dump_consensus_state`, `status`).
extension ConsensusDriver {
    /// True exactly while the node block-syncs (`/status` `catching_up`).
    func isCatchingUp() -> Bool {
        syncing
    }

    func roundStateSummary() -> RoundStateSummary {
        let step: RoundStep = switch core.step {
        case .propose: .propose
        case .prevote: .prevote
        case .precommit: core.hasDecided ? .commit : .precommit
        }
        let validators = core.validators ?? chain.validators
        let proposal = core.proposal
        return RoundStateSummary(
            height: core.height, round: core.round, step: step, startTime: chain.lastBlockTime,
            proposalBlockHash: proposal?.blockID.hash ?? [], lockedBlockHash: core.lockedValue?.hash ?? [],
            validBlockHash: core.validValue?.hash ?? [], validators: validators,
            proposer: core.proposer(round: core.round) ?? validators.proposer?.address ?? validators.validators[0].address,
            votes: roundVotes(validators: validators))
    }

    /// Rounds 0 through the current one, a slot per validator (`nil-Vote` when empty), as
    /// CometBFT's `HeightVoteSet` shows them in `consensus_state`. Read back from the verified
    /// votes held for relaying, which are every vote of this height, ours included.
    func roundVotes(validators: ValidatorSet) -> [RoundVotes] {
        guard core.round >= 0 else { return [] }
        let slots = validators.validators.count
        let empty = [Vote?](repeating: nil, count: slots)
        var rounds = (0...core.round).map { RoundVotes(round: $0, prevotes: empty, precommits: empty) }
        for entry in reactor.messages.entries where entry.channel == NodeChannel.consensusVote {
            guard case .vote(let vote)? = try? ConsensusWireMessage(decoding: entry.bytes),
                  vote.height == core.height, vote.round >= 0, vote.round <= core.round,
                  let index = Int(exactly: vote.validatorIndex), index < slots else { continue }
            switch vote.type {
            case .prevote: rounds[Int(vote.round)].prevotes[index] = vote
            case .precommit: rounds[Int(vote.round)].precommits[index] = vote
            }
        }
        return rounds
    }

    func consensusStateDump() -> ConsensusStateDump {
        let peerStates = reactor.peers.compactMap { id, view -> PeerConsensusState? in
            guard let round = view.round else { return nil }
            let step: RoundStep = switch round.step {
            case 0: .propose
            case 1: .prevote
            default: .precommit
            }
            return PeerConsensusState(nodeAddress: id, height: round.height, round: round.round, step: step)
        }
        return ConsensusStateDump(roundState: roundStateSummary(), peers: peerStates.sorted { $0.nodeAddress < $1.nodeAddress })
    }
}
