import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Runs a decided block through the app and stores it: CometBFT's `ApplyBlock`.
///
/// The order is chosen so that a crash anywhere leaves the store at least as far as the app:
/// FinalizeBlock (the app computes, but keeps nothing yet), then one transaction with block,
/// commit, state and response, then the app's Commit. Restarting after the transaction but
/// before Commit finds the app one height behind, and the handshake replays that block.
struct BlockExecutor: Sendable {
    let app: any Application
    let store: any ChainStore
    var metrics: StateMetrics = NodeMetrics.none.state

    struct Outcome: Sendable {
        var state: ChainState
        var response: FinalizeBlockResponse
        /// What pruning to the app's retain height did; nil when the app asked for none.
        var pruning: Result<ChainStorePruning, PruningFailure>? = nil
    }

    /// A prune the store refused or failed: logged, never fatal (CometBFT logs it and goes on).
    struct PruningFailure: Error, Sendable {
        var retainHeight: Int64
        var reason: String
    }

    /// Validates `block` again (a decided block can still disagree with our state, when our app
    /// did), executes, stores and commits it. `verifiedLastCommit`: see `BlockValidator.validate`.
    /// `voteExtensions`: `commit`'s vote extensions, stored with it when extensions are enabled
    /// at the block's height (block sync has none to give). `blockBytes`: the block's encoding,
    /// when the caller holds it (see `ChainStore.saveHeight`).
    func apply(_ block: Block, blockBytes: Bytes? = nil, blockID: BlockID, commit: Commit,
               voteExtensions: [VoteExtension]? = nil, to state: ChainState,
               verifiedLastCommit: Commit? = nil) async throws -> Outcome {
        try Self.validateCommitted(block, against: state, validatorSetAt: store.validatorSetLookup,
                                   verifiedLastCommit: verifiedLastCommit)
        let response = try await finalize(block, blockID: blockID, state: state)
        let next: ChainState
        do { next = try StateTransition.apply(block, blockID: blockID, response: response, to: state) } catch {
            throw NodeError.application(call: "FinalizeBlock", reason: "response rejected: \(error)")
        }
        do {
            try store.saveHeight(block: block, blockBytes: blockBytes, blockID: blockID, seenCommit: commit,
                                 voteExtensions: voteExtensions, state: next, response: response)
        } catch {
            throw NodeError.storage("saving height \(block.header.height): \(error)")
        }
        let committed: CommitResponse
        do { committed = try await app.commit() } catch {
            throw NodeError.application(call: "Commit", reason: "\(error)")
        }
        return Outcome(state: next, response: response, pruning: prune(retainHeight: committed.retainHeight, state: next))
    }

    /// CometBFT's `pruneBlocks` after Commit: a retain height of 0, or one the store's base
    /// already reached, asks for nothing. One bounded batch per block (`BlockStore.pruneBatchHeights`),
    /// so a retain height far ahead of the base is reached over the following blocks and no
    /// single commit waits for a long delete.
    func prune(retainHeight: Int64, state: ChainState) -> Result<ChainStorePruning, PruningFailure>? {
        guard retainHeight > 0 else { return nil }
        do {
            guard retainHeight > (try store.baseHeight()) else { return nil }
            return .success(try store.prune(retainHeight: retainHeight, state: state))
        } catch {
            return .failure(PruningFailure(retainHeight: retainHeight, reason: "\(error)"))
        }
    }

    func finalize(_ block: Block, blockID: BlockID, state: ChainState) async throws -> FinalizeBlockResponse {
        let request: FinalizeBlockRequest
        do { request = try BlockExecutionRequests.finalizeBlock(block, blockID: blockID, state: state) } catch {
            throw NodeError.committedBlockInvalid(height: block.header.height, reason: "\(error)")
        }
        do { return try await metrics.timeFinalizeBlock { try await app.finalizeBlock(request) } } catch {
            throw NodeError.application(call: "FinalizeBlock", reason: "\(error)")
        }
    }

    /// A block with +2/3 precommits is final; if it does not follow from our state, we are the
    /// ones who are wrong, and the only safe move is to stop. An app-hash difference gets its own
    /// message because it is the usual cause: a non-deterministic app.
    static func validateCommitted(_ block: Block, against state: ChainState,
                                  validatorSetAt: (Int64) -> ValidatorSet?, verifiedLastCommit: Commit? = nil) throws {
        if block.header.appHash != state.appHash {
            throw NodeError.appHashMismatch(height: block.header.height, ours: state.appHash,
                                            network: block.header.appHash)
        }
        do {
            try BlockValidator.validate(block, against: state, medianTime: medianTime(of: block, state: state),
                                        validatorSetAt: validatorSetAt, verifiedLastCommit: verifiedLastCommit)
        } catch {
            throw NodeError.committedBlockInvalid(height: block.header.height, reason: "\(error)")
        }
    }

    /// The BFT time `block` must carry: nil at the initial height (the genesis time applies).
    static func medianTime(of block: Block, state: ChainState) -> Timestamp? {
        guard block.header.height != state.initialHeight, let lastCommit = block.lastCommit,
              let lastValidators = state.lastValidators else { return nil }
        return MedianTime.of(lastCommit, validators: lastValidators)
    }
}
