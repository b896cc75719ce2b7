import PalisadeTypes

extension VoteKeeper {
    /// The commit certificate for `blockID` decided in `round`: one `CommitSig` per validator in
    /// set order. As in CometBFT, a precommit for another block is recorded as absent: its
    /// signature is over a different block ID, so `VerifyCommit` could not check it against this one.
    func commit(round: Int32, blockID: BlockID) -> Commit {
        let precommits = tally(round: round, type: .precommit)
        let signatures = validators.validators.indices.map { index in
            Self.commitSig(from: precommits.votes(by: index), decided: blockID)
        }
        return Commit(height: height, round: round, blockID: blockID, signatures: signatures)
    }

    /// The vote extensions of `commit(round:blockID:)`'s entries, in the same order: what each
    /// validator's precommit for `blockID` carried (nothing for NIL or ABSENT entries).
    func extensions(round: Int32, blockID: BlockID) -> [VoteExtension] {
        let precommits = tally(round: round, type: .precommit)
        return validators.validators.indices.map { Self.voteExtension(from: precommits.votes(by: $0), decided: blockID) }
    }

    /// The extension of the precommit `commitSig` puts in the commit for `decided`, if any.
    static func voteExtension(from precommits: [Vote], decided: BlockID) -> VoteExtension {
        precommits.first(where: { $0.blockID == decided }).map(VoteExtension.init(of:)) ?? .none
    }

    /// A validator's entry in the commit for `decided`, from its precommits of the round: COMMIT
    /// if one of them is for `decided` (an equivocator's vote counted towards the quorum, so the
    /// commit must carry it for `VerifyCommit` to see +2/3), NIL if its first is for nil, else ABSENT.
    static func commitSig(from precommits: [Vote], decided: BlockID) -> CommitSig {
        if let vote = precommits.first(where: { $0.blockID == decided }) {
            return CommitSig(blockIDFlag: .commit, validatorAddress: vote.validatorAddress,
                             timestamp: vote.timestamp, signature: vote.signature)
        }
        if let first = precommits.first, first.isNil {
            return CommitSig(blockIDFlag: .nil, validatorAddress: first.validatorAddress,
                             timestamp: first.timestamp, signature: first.signature)
        }
        return .absent
    }
}
