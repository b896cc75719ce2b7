import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// The ABCI views of a decided block that the application receives in FinalizeBlock (CometBFT's
/// `buildLastCommitInfo` and `Evidence.ABCI`): who signed the previous block, with what power
/// and how, and who misbehaved.
public enum BlockExecutionRequests {
    /// - Parameter blockID: the decided block's ID; its hash goes into the request.
    public static func finalizeBlock(_ block: Block, blockID: BlockID,
                                     state: ChainState) throws(BlockValidationError) -> FinalizeBlockRequest {
        FinalizeBlockRequest(
            txs: block.data.txs, decidedLastCommit: try commitInfo(for: block, state: state),
            misbehavior: block.evidence.flatMap(misbehavior(for:)), hash: blockID.hash,
            height: block.header.height, time: block.header.time,
            nextValidatorsHash: block.header.nextValidatorsHash, proposerAddress: block.header.proposerAddress)
    }

    /// One entry per validator of the previous height, in set order, flagged as its signature
    /// was; empty for the initial block, which has no previous height.
    public static func commitInfo(for block: Block, state: ChainState) throws(BlockValidationError) -> CommitInfo {
        guard block.header.height != state.initialHeight else { return CommitInfo() }
        let commit = block.lastCommit ?? .empty
        guard let lastValidators = state.lastValidators, lastValidators.count == commit.signatures.count else {
            throw BlockValidationError(field: "last_commit.signatures", reason: "\(commit.signatures.count) "
                + "signatures for \(state.lastValidators?.count ?? 0) last validators")
        }
        let votes = lastValidators.validators.enumerated().map { index, validator in
            VoteInfo(address: validator.address, power: validator.votingPower,
                     blockIDFlag: commit.signatures[index].blockIDFlag)
        }
        return CommitInfo(round: commit.round, votes: votes)
    }

    /// What one item of a block's evidence tells the app: one entry for a double sign, one per
    /// byzantine validator for a light-client attack.
    public static func misbehavior(for evidence: Evidence) -> [Misbehavior] {
        switch evidence {
        case .duplicateVote(let e): [misbehavior(for: e)]
        case .lightClientAttack(let e): misbehavior(for: e)
        }
    }

    /// Powers are the ones the evidence recorded at its own height, not today's.
    public static func misbehavior(for evidence: DuplicateVoteEvidence) -> Misbehavior {
        Misbehavior(type: .duplicateVote, address: evidence.validatorAddress, power: evidence.validatorPower,
                    height: evidence.height, time: evidence.timestamp, totalVotingPower: evidence.totalVotingPower)
    }

    /// CometBFT's `LightClientAttackEvidence.ABCI`: one LIGHT_CLIENT_ATTACK per byzantine
    /// validator, at the common height (when the attackers were bonded) with its time and total
    /// power; none for an amnesia attack, which names no one.
    public static func misbehavior(for evidence: LightClientAttackEvidence) -> [Misbehavior] {
        evidence.byzantineValidators.map { validator in
            Misbehavior(type: .lightClientAttack, address: validator.address, power: validator.votingPower,
                        height: evidence.height, time: evidence.timestamp, totalVotingPower: evidence.totalVotingPower)
        }
    }
}
