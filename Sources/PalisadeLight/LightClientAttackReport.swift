import PalisadeCrypto
import PalisadeTypes

/// What the light client found when a witness's header conflicted with the primary's and both
/// verified: evidence against each side, as CometBFT's detector builds it. The evidence against
/// the primary goes to the witness and the evidence against the witness goes to the primary
/// (each as `broadcast_evidence`), so whichever chain is the real one learns of the other's signers.
public struct LightClientAttackReport: Sendable, Hashable {
    public var primary: String
    public var witness: String
    /// The primary's header as the conflicting block, the witness's as the trusted one.
    public var againstPrimary: LightClientAttackEvidence
    /// The witness's header as the conflicting block, the primary's as the trusted one.
    public var againstWitness: LightClientAttackEvidence

    /// Both pieces of evidence for the primary's and the witness's blocks at one height, `common`
    /// being the last block both agree on (the root both verified from).
    public init(primary: String, primaryBlock: LightBlock, witness: String, witnessBlock: LightBlock, common: LightBlock) {
        self.primary = primary
        self.witness = witness
        againstPrimary = LightClientAttackEvidence(conflicting: primaryBlock, trusted: witnessBlock, common: common)
        againstWitness = LightClientAttackEvidence(conflicting: witnessBlock, trusted: primaryBlock, common: common)
    }
}

extension LightClientAttackEvidence {
    /// CometBFT's `newLightClientAttackEvidence`: a lunatic header is charged from the common
    /// height (the attackers were bonded there); an equivocation or amnesia, where the sets are
    /// the same, from the conflicting height itself, with the trusted block's time and power.
    public init(conflicting: LightBlock, trusted: LightBlock, common: LightBlock) {
        self.init(conflictingHeader: conflicting.header, conflictingCommit: conflicting.commit,
                  conflictingValidators: conflicting.validatorSet, commonHeight: common.height, byzantineValidators: [],
                  totalVotingPower: common.validatorSet.totalVotingPower, timestamp: common.time)
        if !conflictingHeaderIsInvalid(trusted: trusted.header) {
            commonHeight = trusted.height
            timestamp = trusted.time
            totalVotingPower = trusted.validatorSet.totalVotingPower
        }
        byzantineValidators = computeByzantineValidators(commonValidators: common.validatorSet, trusted: trusted.header,
                                                         trustedCommit: trusted.commit)
    }
}
