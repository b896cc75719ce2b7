import PalisadeCrypto

/// Why evidence was refused: the field at fault and the reason, for logs and for rejecting the
/// block or the peer that carried it.
public struct EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of evidence, as CometBFT's proto names it.
    public var evidence: String
    public var field: String
    public var reason: String

    public init(evidence: String = "DuplicateVoteEvidence", field: String, reason: String) {
        self.evidence = evidence
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(evidence).\(field): \(reason)" }
}

extension DuplicateVoteEvidence {
    /// Builds evidence from two conflicting votes the way CometBFT's `NewDuplicateVoteEvidence`
    /// does: powers from `validatorSet` (the set at the votes' height), `timestamp` the time of the
    /// block at that height.
    public init(conflicting first: Vote, _ second: Vote, validatorSet: ValidatorSet,
                timestamp: Timestamp) throws(EvidenceError) {
        guard let validator = validatorSet.validator(for: first.validatorAddress) else {
            throw EvidenceError(field: "vote_a.validator_address",
                                reason: "\(first.validatorAddress) is not in the validator set")
        }
        self.init(conflicting: first, second, totalVotingPower: validatorSet.totalVotingPower,
                  validatorPower: validator.votingPower, timestamp: timestamp)
    }

    /// Checks this evidence proves an equivocation by a member of `validatorSet`, the set at the
    /// evidence height (CometBFT's `ValidateBasic` plus `VerifyDuplicateVote`): one (height,
    /// round, type), one validator, two different block IDs in key order, both signatures valid
    /// under the validator's key, and the recorded powers equal to the set's. Age limits are
    /// the evidence pool's to check; they need the chain's current height and time.
    public func verify(chainID: String, validatorSet: ValidatorSet) throws(EvidenceError) {
        guard voteA.height == voteB.height, voteA.round == voteB.round, voteA.type == voteB.type else {
            throw EvidenceError(field: "vote_b", reason: "height, round or type differs from vote A's "
                                + "(\(voteB.height)/\(voteB.round)/\(voteB.type) vs \(voteA.height)/\(voteA.round)/\(voteA.type))")
        }
        guard voteA.validatorAddress == voteB.validatorAddress else {
            throw EvidenceError(field: "vote_b.validator_address", reason: "votes are from different validators")
        }
        guard voteA.validatorIndex == voteB.validatorIndex else {
            throw EvidenceError(field: "vote_b.validator_index", reason: "validator indices differ")
        }
        guard voteA.blockID != voteB.blockID else {
            throw EvidenceError(field: "vote_b.block_id", reason: "both votes are for the same block ID")
        }
        guard isOrdered else {
            throw EvidenceError(field: "vote_b", reason: "votes out of order (vote A's block ID key must be smaller)")
        }
        guard let validator = validatorSet.validator(for: voteA.validatorAddress) else {
            throw EvidenceError(field: "vote_a.validator_address",
                                reason: "\(voteA.validatorAddress) is not in the validator set")
        }
        guard validator.publicKey.address == voteA.validatorAddress else {
            throw EvidenceError(field: "vote_a.validator_address", reason: "does not match the validator's key")
        }
        guard validator.votingPower == validatorPower else {
            throw EvidenceError(field: "validator_power",
                                reason: "\(validatorPower), but the set gives \(validator.votingPower)")
        }
        guard validatorSet.totalVotingPower == totalVotingPower else {
            throw EvidenceError(field: "total_voting_power",
                                reason: "\(totalVotingPower), but the set totals \(validatorSet.totalVotingPower)")
        }
        guard voteA.verifySignature(chainID: chainID, publicKey: validator.publicKey) else {
            throw EvidenceError(field: "vote_a.signature", reason: "invalid")
        }
        guard voteB.verifySignature(chainID: chainID, publicKey: validator.publicKey) else {
            throw EvidenceError(field: "vote_b.signature", reason: "invalid")
        }
    }
}
