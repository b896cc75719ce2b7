import PalisadeCrypto
import PalisadeTypes

/// CometBFT's `validateBlock`: does this block follow from `state`? Run on every proposal
/// before prevoting for it and on every block before executing it.
///
/// Inputs the state cannot supply are parameters, keeping this pure: the weighted median time
/// of the last commit (computed by the consensus layer's `MedianTime`) and the validator set
/// at an evidence height (from the block store).
public enum BlockValidator {
    /// `verifiedLastCommit` is a commit for `state.lastBlockID` that the caller has already
    /// verified against `state.lastValidators` (block sync verified it as the previous block's
    /// commit): a `LastCommit` equal to it is not verified again, which saves one signature
    /// check per validator per block. Anything else is verified in full.
    public static func validate(
        _ block: Block, against state: ChainState, medianTime: Timestamp?,
        validatorSetAt: (Int64) -> ValidatorSet? = { _ in nil }, verifiedLastCommit: Commit? = nil
    ) throws(BlockValidationError) {
        do { try block.validateBasic() } catch {
            throw BlockValidationError(field: error.field, reason: error.reason)
        }
        let header = block.header
        try checkIdentity(header, state)
        try checkHashes(header, state)
        try checkLastCommit(block, state, verified: verifiedLastCommit)
        guard header.proposerAddress.bytes.count == Address.size else {
            throw BlockValidationError(field: "header.proposer_address",
                                       reason: "must be \(Address.size) bytes, got \(header.proposerAddress.bytes.count)")
        }
        guard state.validators.contains(header.proposerAddress) else {
            throw BlockValidationError(field: "header.proposer_address",
                                       reason: "\(header.proposerAddress) is not in the validator set")
        }
        try checkTime(header, state, medianTime: medianTime)
        try EvidenceCheck.verify(block.evidence, height: header.height, time: header.time, state: state,
                                 validatorSetAt: validatorSetAt)
    }

    private static func checkIdentity(_ header: Header, _ state: ChainState) throws(BlockValidationError) {
        guard header.version == state.version else {
            throw BlockValidationError(field: "header.version", reason: "block \(header.version.block)/app "
                + "\(header.version.app), expected \(state.version.block)/\(state.version.app)")
        }
        guard header.chainID == state.chainID else {
            throw BlockValidationError(field: "header.chain_id",
                                       reason: "\"\(header.chainID)\", expected \"\(state.chainID)\"")
        }
        guard header.height == state.nextHeight else {
            throw BlockValidationError(field: "header.height", reason: "\(header.height), expected \(state.nextHeight)")
        }
        guard header.lastBlockID == state.lastBlockID else {
            throw BlockValidationError(field: "header.last_block_id",
                                       reason: "\(header.lastBlockID), expected \(state.lastBlockID)")
        }
    }

    private static func checkHashes(_ header: Header, _ state: ChainState) throws(BlockValidationError) {
        let expected: [(String, Bytes, Bytes)] = [
            ("header.app_hash", header.appHash, state.appHash),
            ("header.consensus_hash", header.consensusHash, state.consensusParams.hash()),
            ("header.last_results_hash", header.lastResultsHash, state.lastResultsHash),
            ("header.validators_hash", header.validatorsHash, state.validators.hash()),
            ("header.next_validators_hash", header.nextValidatorsHash, state.nextValidators.hash()),
        ]
        for (field, got, want) in expected where got != want {
            throw BlockValidationError(field: field, reason: "\(got.upperHex), expected \(want.upperHex)")
        }
    }

    /// The initial block has nothing to commit to; every later one carries +2/3 of the previous
    /// height's validators for exactly the previous block.
    private static func checkLastCommit(_ block: Block, _ state: ChainState,
                                        verified: Commit?) throws(BlockValidationError) {
        let commit = block.lastCommit ?? .empty
        if block.header.height == state.initialHeight {
            guard commit.signatures.isEmpty else {
                throw BlockValidationError(field: "last_commit.signatures",
                                           reason: "the initial block cannot carry signatures")
            }
            return
        }
        guard let lastValidators = state.lastValidators else {
            throw BlockValidationError(field: "last_commit", reason: "state has no last validator set")
        }
        if let verified, verified == commit, verified.height == block.header.height - 1,
           verified.blockID == state.lastBlockID {
            return
        }
        do {
            try lastValidators.verifyCommit(chainID: state.chainID, blockID: state.lastBlockID,
                                            height: block.header.height - 1, commit: commit)
        } catch {
            throw BlockValidationError(field: "last_commit", reason: error.description)
        }
    }

    /// BFT time: strictly after the last block and equal to the last commit's weighted median;
    /// the initial block's time is the genesis time.
    private static func checkTime(_ header: Header, _ state: ChainState,
                                  medianTime: Timestamp?) throws(BlockValidationError) {
        if header.height == state.initialHeight {
            guard header.time == state.lastBlockTime else {
                throw BlockValidationError(field: "header.time", reason: "\(header.time.rfc3339) is not the "
                    + "genesis time \(state.lastBlockTime.rfc3339)")
            }
            return
        }
        guard header.time > state.lastBlockTime else {
            throw BlockValidationError(field: "header.time", reason: "\(header.time.rfc3339) is not after "
                + "the last block time \(state.lastBlockTime.rfc3339)")
        }
        guard let medianTime else {
            throw BlockValidationError(field: "header.time", reason: "no median time of the last commit supplied")
        }
        guard header.time == medianTime else {
            throw BlockValidationError(field: "header.time", reason: "\(header.time.rfc3339) is not the last "
                + "commit's median time \(medianTime.rfc3339)")
        }
    }
}
