import PalisadeCrypto

extension LightClientAttackEvidence {
    /// Checks this evidence proves an attack on the chain whose own blocks are `common` (the
    /// header at the common height) and `trusted` (our header at the conflicting height, with
    /// its commit), `commonValidators` being the set at the common height (CometBFT's
    /// `VerifyLightClientAttack` with `validateABCIEvidence`, and the pool's time check):
    ///
    /// 1. the timestamp is the common block's time;
    /// 2. a conflicting header above the common height is signed by more than 1/3 of the common
    ///    set (what made the light client skip to it); one at the common height (equivocation,
    ///    amnesia: the sets are ours) must be correctly derived, since the heights agree up to it;
    /// 3. the conflicting commit holds +2/3 of the conflicting set, every signature checked (the
    ///    byzantine validators are read from it, so an unverified one would accuse the honest);
    /// 4. the total power is the common set's;
    /// 5. it conflicts: another header than ours, and not one merely later in time than ours
    ///    (a forward lunatic header must break monotonic time to be evidence);
    /// 6. the byzantine validators are exactly the ones computed from the commits.
    ///
    /// Age limits are the pool's to check, against the chain's current height and time.
    public func verify(chainID: String, common: Header, trusted: Header, trustedCommit: Commit,
                       commonValidators: ValidatorSet) throws(EvidenceError) {
        guard common.height == commonHeight else {
            throw Self.error("common_height", "\(commonHeight), but the common header given is at \(common.height)")
        }
        guard timestamp == common.time else {
            throw Self.error("timestamp", "\(timestamp), but the block at the common height has time \(common.time)")
        }
        guard conflictingHeader.chainID == chainID else {
            throw Self.error("conflicting_block.signed_header.header.chain_id", "\(conflictingHeader.chainID), not \(chainID)")
        }
        if commonHeight != conflictingHeader.height {
            try verifyTrusting(commonValidators: commonValidators, chainID: chainID)
        } else if conflictingHeaderIsInvalid(trusted: trusted) {
            throw Self.error("conflicting_block", "common height is the conflicting block's height, so the conflicting "
                             + "block should be correctly derived (equivocation or amnesia), yet it is not")
        }
        do {
            try conflictingValidators.verifyCommit(chainID: chainID, blockID: conflictingCommit.blockID,
                                                   height: conflictingHeader.height, commit: conflictingCommit)
        } catch {
            throw Self.error("conflicting_block.signed_header.commit", "invalid commit for the conflicting block: \(error)")
        }
        guard totalVotingPower == commonValidators.totalVotingPower else {
            throw Self.error("total_voting_power", "\(totalVotingPower), but the common height's set totals "
                             + "\(commonValidators.totalVotingPower)")
        }
        if conflictingHeader.height > trusted.height, conflictingHeader.time > trusted.time {
            throw Self.error("conflicting_block.signed_header.header.time", "conflicting block at \(conflictingHeader.time) "
                             + "does not violate monotonic time (ours at \(trusted.height) is \(trusted.time))")
        } else if trusted.hash() == conflictingHeader.hash() {
            throw Self.error("conflicting_block", "is our own header at height \(trusted.height): no conflict")
        }
        let expected = computeByzantineValidators(commonValidators: commonValidators, trusted: trusted,
                                                  trustedCommit: trustedCommit)
        guard expected.count == byzantineValidators.count else {
            throw Self.error("byzantine_validators", "\(byzantineValidators.count) listed, \(expected.count) expected")
        }
        for (index, (want, got)) in zip(expected, byzantineValidators).enumerated() {
            guard want.address == got.address, want.votingPower == got.votingPower, got.publicKey.address == got.address else {
                throw Self.error("byzantine_validators[\(index)]", "\(got.address) with power \(got.votingPower), "
                                 + "expected \(want.address) with power \(want.votingPower)")
            }
        }
    }

    /// CometBFT's `VerifyCommitLightTrustingAllSignatures` at the default trust level (1/3):
    /// signers are found by address in the common set (others are skipped, one counted twice is
    /// refused), and every COMMIT signature of a known signer is checked, not just enough of them.
    private func verifyTrusting(commonValidators: ValidatorSet, chainID: String) throws(EvidenceError) {
        let field = "conflicting_block.signed_header.commit"
        var seen = Set<Address>()
        var tallied: Int64 = 0
        for (index, sig) in conflictingCommit.signatures.enumerated() where sig.blockIDFlag == .commit {
            guard let validator = commonValidators.validator(for: sig.validatorAddress) else { continue }
            guard seen.insert(validator.address).inserted else {
                throw Self.error("\(field).signatures[\(index)]", "\(validator.address) signs twice")
            }
            guard let signBytes = conflictingCommit.voteSignBytes(chainID: chainID, index: index),
                  validator.publicKey.verify(signature: sig.signature, message: signBytes) else {
                throw Self.error("\(field).signatures[\(index)]", "signature of \(validator.address) does not verify")
            }
            // The set's total is capped at Int64.max / 8, so neither the sum nor `* 3` can overflow.
            tallied += validator.votingPower
        }
        guard tallied * 3 > commonValidators.totalVotingPower else {
            throw Self.error(field, "signed by \(tallied) of the common height's \(commonValidators.totalVotingPower) "
                             + "voting power; more than 1/3 is needed")
        }
    }

    private static func error(_ field: String, _ reason: String) -> EvidenceError {
        EvidenceError(evidence: "LightClientAttackEvidence", field: field, reason: reason)
    }
}
