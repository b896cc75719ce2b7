import PalisadeTypes

extension VoteKeeper {
    /// The commit certificate for `blockID` decided in `round`: one `CommitSig` per validator in
    /// set order. As in CometBFT, a precommit for another block is recorded as absent: its
    /// signature is over a different block ID, so `VerifyCommit` could not check it against this one.
    func commit(round: Int32, blockID: BlockID) -> Commit {
        let precommits = tally(round: round, type: .precommit)
        let signatures = validators.validators.indices.map { index in
            Self.commitSig(for: precommits.vote(by: index), decided: blockID)
        }
        return Commit(height: height, round: round, blockID: blockID, signatures: signatures)
    }

    /// A precommit's entry in the commit for `decided`: COMMIT, NIL, or ABSENT.
    static func commitSig(for precommit: Vote?, decided: BlockID) -> CommitSig {
        guard let precommit else { return .absent }
        if precommit.blockID == decided {
            return CommitSig(blockIDFlag: .commit, validatorAddress: precommit.validatorAddress,
                             timestamp: precommit.timestamp, signature: precommit.signature)
        }
        if precommit.isNil {
            return CommitSig(blockIDFlag: .nil, validatorAddress: precommit.validatorAddress,
                             timestamp: precommit.timestamp, signature: precommit.signature)
        }
        return .absent
    }
}
