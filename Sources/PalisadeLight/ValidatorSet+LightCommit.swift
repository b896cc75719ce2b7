import PalisadeCrypto
import PalisadeTypes

/// The two commit checks a light client makes (CometBFT's `VerifyCommitLight` and
/// `VerifyCommitLightTrusting`). Unlike consensus' `verifyCommit`, they stop verifying as soon as
/// enough power has signed: the client pays for signatures only until the question is answered.
/// NIL and absent entries are skipped; only COMMIT entries count.
extension ValidatorSet {
    /// More than 2/3 of this set — the set of the commit's own height — signed `blockID`.
    /// Entries are matched to validators by index, as the commit is in this set's order.
    func verifyCommitLight(chainID: String, blockID: BlockID, height: Int64,
                           commit: Commit) throws(LightVerificationError) {
        guard count == commit.signatures.count else {
            throw .invalidCommit("wrong set size: \(count) validators, \(commit.signatures.count) signatures")
        }
        guard height == commit.height else {
            throw .invalidCommit("wrong height: expected \(height), got \(commit.height)")
        }
        guard blockID == commit.blockID else {
            throw .invalidCommit("wrong block ID: expected \(blockID), got \(commit.blockID)")
        }
        let needed = totalVotingPower * 2 / 3
        var tallied: Int64 = 0
        for (index, sig) in commit.signatures.enumerated() where sig.blockIDFlag == .commit {
            let validator = validators[index]
            guard sig.validatorAddress == validator.address else {
                throw .invalidCommit("validator address mismatch at index \(index): expected "
                                     + "\(validator.address), got \(sig.validatorAddress)")
            }
            try Self.checkSignature(commit: commit, index: index, chainID: chainID, validator: validator)
            // The total is capped at Int64.max / 8, so the sum cannot overflow.
            tallied += validator.votingPower
            if tallied > needed { return }
        }
        throw .notEnoughVotingPowerSigned(got: tallied, needed: needed)
    }

    /// More than `trustLevel` of this set — a set the client already trusts, from an earlier
    /// height — signed `commit`. Entries are matched by address because the commit is in the
    /// order of a possibly different set; signers this set does not know are skipped, and one
    /// validator counted twice is an error rather than double power.
    func verifyCommitLightTrusting(chainID: String, commit: Commit,
                                   trustLevel: TrustLevel) throws(LightVerificationError) {
        guard let power = UInt64(exactly: totalVotingPower) else {
            throw .invalidCommit("negative total voting power")
        }
        let product = power.multipliedReportingOverflow(by: trustLevel.numerator)
        guard !product.overflow, let needed = Int64(exactly: product.partialValue / trustLevel.denominator) else {
            throw .invalidCommit("overflow while calculating voting power needed; use a smaller trust level numerator")
        }
        var seen: [Int: Int] = [:]
        var tallied: Int64 = 0
        for (index, sig) in commit.signatures.enumerated() where sig.blockIDFlag == .commit {
            guard let validatorIndex = self.index(of: sig.validatorAddress),
                  let validator = validator(at: validatorIndex) else { continue }
            if let first = seen[validatorIndex] {
                throw .invalidCommit("double vote from \(validator.address) (\(first) and \(index))")
            }
            seen[validatorIndex] = index
            try Self.checkSignature(commit: commit, index: index, chainID: chainID, validator: validator)
            tallied += validator.votingPower
            if tallied > needed { return }
        }
        throw .newValSetCantBeTrusted(got: tallied, needed: needed)
    }

    private static func checkSignature(commit: Commit, index: Int, chainID: String,
                                       validator: Validator) throws(LightVerificationError) {
        guard let signBytes = commit.voteSignBytes(chainID: chainID, index: index),
              validator.publicKey.verify(signature: commit.signatures[index].signature, message: signBytes) else {
            throw .invalidCommit("wrong signature (#\(index)) from \(validator.address)")
        }
    }
}
