import PalisadeState
import PalisadeTypes

extension EvidencePool {
    /// CometBFT's pool `verify` for a light-client attack: the common height is committed here and
    /// not expired by the evidence params, the evidence carries that block's time, and
    /// `LightClientAttackEvidence.verify` holds against our own chain: the common header and
    /// validator set, and our header with its commit at the conflicting height. A conflicting
    /// height we have not reached is judged against our latest header, which must not be older
    /// than the conflicting one (a forward lunatic attack must break monotonic time).
    func verify(_ evidence: LightClientAttackEvidence) -> Verdict {
        let common = evidence.commonHeight
        guard common <= state.lastBlockHeight else {
            return .ignored("common height \(common) is not committed here yet (last \(state.lastBlockHeight))")
        }
        guard common >= state.initialHeight else {
            return .invalid("common height \(common) is before the chain's initial height \(state.initialHeight)")
        }
        let trustedHeight = min(evidence.conflictingHeader.height, state.lastBlockHeight)
        let commonHeader: Header?, commonValidators: ValidatorSet?, trusted: Header?, trustedCommit: Commit?
        do {
            if try store.isEvidenceCommitted(hash: evidence.hash()) { return .known }
            commonHeader = try store.block(at: common)?.header
            commonValidators = try store.validators(at: common)
            trusted = try store.block(at: trustedHeight)?.header
            trustedCommit = try store.decidedCommit(at: trustedHeight)
        } catch {
            return .ignored("cannot read the block store: \(error)")
        }
        guard let commonHeader, let commonValidators else {
            return .ignored("common height \(common) is pruned or not stored here")
        }
        guard let trusted, let trustedCommit else {
            return .ignored("no header and commit stored for height \(trustedHeight)")
        }
        guard evidence.timestamp == commonHeader.time else {
            return .invalid("timestamp \(evidence.timestamp) is not the block time \(commonHeader.time) at common height \(common)")
        }
        if EvidenceCheck.isExpired(evidenceHeight: common, evidenceTime: commonHeader.time, height: state.lastBlockHeight,
                                   time: state.lastBlockTime, params: state.consensusParams.evidence) {
            return .ignored("expired (common height \(common), last \(state.lastBlockHeight))")
        }
        if trustedHeight < evidence.conflictingHeader.height, trusted.time < evidence.conflictingHeader.time {
            return .invalid("latest block time \(trusted.time) is before the conflicting block time "
                + "\(evidence.conflictingHeader.time)")
        }
        do {
            try evidence.verify(chainID: chainID, common: commonHeader, trusted: trusted, trustedCommit: trustedCommit,
                                commonValidators: commonValidators)
        } catch {
            return .invalid("\(error)")
        }
        return .added
    }
}
