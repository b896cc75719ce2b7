import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// CometBFT's `updateState`: the state after `block` was executed and the application answered
/// `response`. Pure and all-or-nothing: on error the caller still holds the unchanged old state.
public enum StateTransition {
    public static func apply(_ block: Block, blockID: BlockID, response: FinalizeBlockResponse,
                             to state: ChainState) throws(StateTransitionError) -> ChainState {
        let height = block.header.height
        guard height == state.nextHeight else {
            throw StateTransitionError(field: "block", reason: "height \(height), but the state expects \(state.nextHeight)")
        }
        guard response.txResults.count == block.data.txs.count else {
            throw StateTransitionError(field: "tx_results", reason: "\(response.txResults.count) results for "
                + "\(block.data.txs.count) transactions")
        }

        // Updates land in the set for H+2: the set for H+1 (state.nextValidators) is already fixed,
        // since its hash is in the header of block H.
        var nextValidators = state.nextValidators
        var lastHeightValidatorsChanged = state.lastHeightValidatorsChanged
        if !response.validatorUpdates.isEmpty {
            try checkKeyTypes(response.validatorUpdates, params: state.consensusParams)
            do { try nextValidators.update(with: response.validatorUpdates) } catch {
                throw StateTransitionError(field: "validator_updates", reason: error.description)
            }
            lastHeightValidatorsChanged = height + 2
        }
        nextValidators.incrementProposerPriority(times: 1)

        var params = state.consensusParams
        var version = state.version
        var lastHeightParamsChanged = state.lastHeightConsensusParamsChanged
        if let update = response.consensusParamUpdates {
            params = try applyParams(update, to: state.consensusParams, height: height)
            version.app = params.version.app
            lastHeightParamsChanged = height + 1
        }

        return ChainState(
            chainID: state.chainID, initialHeight: state.initialHeight, lastBlockHeight: height,
            lastBlockID: blockID, lastBlockTime: block.header.time, validators: state.nextValidators,
            nextValidators: nextValidators, lastValidators: state.validators,
            lastHeightValidatorsChanged: lastHeightValidatorsChanged, consensusParams: params,
            lastHeightConsensusParamsChanged: lastHeightParamsChanged,
            lastResultsHash: ExecTxResult.resultsHash(response.txResults.map(\.deterministic)),
            appHash: response.appHash, version: version)
    }

    /// Ed25519 is the only key type Palisade's `ValidatorUpdate` can carry, so the check is that
    /// the parameters still allow it (CometBFT's `validateValidatorUpdates`).
    private static func checkKeyTypes(_ updates: [ValidatorUpdate],
                                      params: ConsensusParams) throws(StateTransitionError) {
        guard params.validator.pubKeyTypes.contains(ConsensusParams.ed25519) else {
            throw StateTransitionError(field: "validator_updates", reason: "key type \(ConsensusParams.ed25519) "
                + "is not in the allowed types \(params.validator.pubKeyTypes)")
        }
    }
}

extension StateTransition {
    /// The parameter half of `apply` on its own: the merged parameters after `update` at `height`.
    public static func applyParams(_ update: ConsensusParamsUpdate, to current: ConsensusParams,
                                   height: Int64) throws(StateTransitionError) -> ConsensusParams {
        try ParamsUpdateCheck.apply(update, to: current, height: height)
    }
}
