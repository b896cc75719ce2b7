import Foundation
import GRDB
import PalisadeABCI
import PalisadeState
import PalisadeTypes

extension BlockStore {
    /// `palisade rollback` (CometBFT's `rollback`): forgets the latest height n, so the node
    /// executes block n again when it starts. The way out of an app-hash mismatch once the app is
    /// fixed: the state after n carries the app's wrong hash, and every later block contradicts it.
    ///
    /// A height is stored in one transaction (`save`), so it is removed in one: the block, its seen
    /// commit, the canonical commit of n-1 it carried, the app's answer, its transaction hashes and
    /// committed evidence, and what the state after n fixed for n+1 and n+2. CometBFT keeps block
    /// n (and removes it only with `--hard`); here the node gets it back from its consensus WAL,
    /// which still holds the height it decided, or from peers by block sync.
    ///
    /// The state after n-1 is not kept as a row of its own; it is rebuilt from the state after n
    /// and what the store keeps per height, and checked against block n's header, which commits to
    /// every field of it that matters: a store that cannot produce a consistent state is refused
    /// and left as it was. Returns the state the store now holds.
    public func rollbackLatestHeight() throws(BlockStoreError) -> ChainState {
        let operation = "roll back"
        guard let latest = try latestState() else { throw invalid(operation, "the store is empty") }
        let height = latest.lastBlockHeight
        guard height > latest.initialHeight else {
            throw invalid(operation, height == 0
                ? "no block is stored yet"
                : "height \(height) is the chain's first; there is no earlier state to go back to (unsafe-reset-all starts over)")
        }
        guard let block = try block(at: height) else { throw corrupt(operation, "block \(height) is missing") }
        guard let previous = try self.block(at: height - 1) else {
            throw invalid(operation, "block \(height - 1) is not in this store (pruned or synced from a snapshot)")
        }
        let state = try previousState(of: latest, block: block, previous: previous)
        try write(operation) { db in
            let tables = ["blocks", "seen_commits", "finalize_block_responses", "tx_hashes", "committed_evidence"]
            for table in tables {
                try db.execute(sql: "DELETE FROM \(table) WHERE height = ?", arguments: [height])
            }
            try db.execute(sql: "DELETE FROM canonical_commits WHERE height = ?", arguments: [height - 1])
            try db.execute(sql: "DELETE FROM validator_sets WHERE height > ?", arguments: [height + 1])
            try db.execute(sql: "DELETE FROM consensus_params WHERE height > ?", arguments: [height])
            try db.execute(sql: "UPDATE chain_state SET height = ?, next_height = ?, state = ? WHERE id = 1",
                           arguments: [state.lastBlockHeight, state.nextHeight, Data(ChainStateCodec.encode(state))])
        }
        return state
    }

    /// The state after block n-1, from the state after block n (`latest`), block n and block n-1:
    /// CometBFT's rollback rule, except that the heights at which validators and parameters last
    /// changed are found exactly in the stored FinalizeBlock answers instead of approximated.
    private func previousState(of latest: ChainState, block: Block, previous: Block) throws(BlockStoreError) -> ChainState {
        let operation = "roll back"
        let height = latest.lastBlockHeight
        let header = block.header
        guard let validators = latest.lastValidators else {
            throw corrupt(operation, "the state after \(height) names no validators for it")
        }
        guard let params = try consensusParams(at: height) else {
            throw corrupt(operation, "the consensus parameters of height \(height) are missing")
        }
        let lastValidators = try self.validators(at: height - 1)
        let state = ChainState(
            chainID: latest.chainID, initialHeight: latest.initialHeight, lastBlockHeight: height - 1,
            lastBlockID: header.lastBlockID, lastBlockTime: previous.header.time, validators: validators,
            nextValidators: latest.validators, lastValidators: lastValidators,
            lastHeightValidatorsChanged: try lastChange(before: latest.lastHeightValidatorsChanged, rollingBack: height,
                                                        initial: latest.initialHeight, delay: 2) { !$0.validatorUpdates.isEmpty },
            consensusParams: params,
            lastHeightConsensusParamsChanged: try lastChange(before: latest.lastHeightConsensusParamsChanged,
                                                             rollingBack: height, initial: latest.initialHeight,
                                                             delay: 1) { $0.consensusParamUpdates != nil },
            lastResultsHash: header.lastResultsHash, appHash: header.appHash, version: header.version)
        let mismatches = [
            ("validators_hash", state.validators.hash() == header.validatorsHash),
            ("next_validators_hash", state.nextValidators.hash() == header.nextValidatorsHash),
            ("consensus_hash", state.consensusParams.hash() == header.consensusHash),
            ("last_block_id", previous.blockID == header.lastBlockID),
            ("last_validators", lastValidators != nil),
        ].filter { !$0.1 }.map(\.0)
        guard mismatches.isEmpty else {
            throw corrupt(operation, "the state rebuilt for height \(height - 1) disagrees with block \(height)'s header "
                + "in \(mismatches.joined(separator: ", ")); nothing was changed")
        }
        return state
    }

    /// The `lastHeight…Changed` value of the state after n-1, given the one after n. A change made
    /// by block h takes effect `delay` heights later, so the value after n is `n + delay` exactly
    /// when block n made one; then the latest earlier block that made one decides, or none did and
    /// the initial height stands.
    private func lastChange(before value: Int64, rollingBack height: Int64, initial: Int64, delay: Int64,
                            madeBy changes: (FinalizeBlockResponse) -> Bool) throws(BlockStoreError) -> Int64 {
        guard value == height + delay else { return value }
        var candidate = height - 1
        while candidate >= initial {
            guard let response = try finalizeBlockResponse(at: candidate) else {
                throw invalid("roll back", "the app's answer for height \(candidate) is not in this store "
                    + "(pruned, or not kept with discard_abci_responses): cannot tell when it last changed")
            }
            if changes(response) { return candidate + delay }
            candidate -= 1
        }
        return initial
    }
}
