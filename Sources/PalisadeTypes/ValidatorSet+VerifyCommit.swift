import PalisadeCrypto

extension ValidatorSet {
    /// CometBFT v0.38's `VerifyCommit`: the commit proves +2/3 of this set's power precommitted
    /// `blockID` at `height`. It needs one entry per validator, in set order; every entry that is
    /// not ABSENT must carry a valid signature from the validator at its index (NIL entries too,
    /// though their power does not count); and the COMMIT entries' power must be strictly more
    /// than 2/3 of the total. Every signature is checked, not just enough to pass, so a commit
    /// with a bad signature is refused even when the good ones would suffice.
    ///
    /// Stricter than CometBFT in one respect: a non-absent entry's address must be the address of
    /// the validator at that index (CometBFT looks the validator up by index and ignores it).
    public func verifyCommit(chainID: String, blockID: BlockID, height: Int64,
                             commit: Commit) throws(CommitVerificationError) {
        guard count == commit.signatures.count else {
            throw .signatureCountMismatch(validators: count, signatures: commit.signatures.count)
        }
        guard height == commit.height else { throw .heightMismatch(expected: height, got: commit.height) }
        guard blockID == commit.blockID else { throw .blockIDMismatch(expected: blockID, got: commit.blockID) }

        var tallied: Int64 = 0
        for (index, sig) in commit.signatures.enumerated() where !sig.isAbsent {
            let validator = validators[index]
            guard sig.validatorAddress == validator.address else {
                throw .validatorAddressMismatch(index: index, expected: validator.address, got: sig.validatorAddress)
            }
            // In range: `index` comes from enumerating the commit's own signatures.
            guard let signBytes = commit.voteSignBytes(chainID: chainID, index: index),
                  validator.publicKey.verify(signature: sig.signature, message: signBytes) else {
                throw .invalidSignature(index: index, address: validator.address)
            }
            // The total is capped at Int64.max / 8, so neither this sum nor `* 3` below can overflow.
            if sig.blockIDFlag == .commit { tallied += validator.votingPower }
        }
        guard tallied * 3 > totalVotingPower * 2 else {
            throw .insufficientVotingPower(got: tallied, total: totalVotingPower)
        }
    }
}
