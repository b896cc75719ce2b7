import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeStorage
import PalisadeTypes

/// The node's `ChainStore` on the SQLite block store.
struct SQLiteChainStore: ChainStore {
    let store: BlockStore

    func latestState() throws -> ChainState? { try store.latestState() }

    func saveInitialState(_ state: ChainState) throws { try store.saveInitialState(state) }

    func bootstrap(state: ChainState, commit: Commit) throws { try store.bootstrap(state: state, commit: commit) }

    func saveHeight(block: Block, blockBytes: Bytes?, blockID: BlockID, seenCommit: Commit,
                    voteExtensions: [VoteExtension]?, state: ChainState, response: FinalizeBlockResponse) throws {
        try store.save(block: block, encoded: blockBytes, blockID: blockID, seenCommit: seenCommit,
                       voteExtensions: voteExtensions, state: state, finalizeBlockResponse: response)
    }

    func block(at height: Int64) throws -> Block? { try store.block(at: height) }

    func blockBytes(at height: Int64) throws -> Bytes? { try store.blockBytes(at: height) }

    func decidedCommit(at height: Int64) throws -> Commit? { try store.commit(at: height)?.commit }

    func extendedCommit(at height: Int64) throws -> ExtendedCommit? { try store.extendedCommit(at: height) }

    func finalizeBlockResponse(at height: Int64) throws -> FinalizeBlockResponse? {
        try store.finalizeBlockResponse(at: height)
    }

    func validators(at height: Int64) throws -> ValidatorSet? { try store.validators(at: height) }

    func baseHeight() throws -> Int64 { try store.baseHeight() }

    func blockTime(at height: Int64) throws -> Timestamp? { try store.blockTime(at: height) }

    /// One batch of `BlockStore.pruneBatchHeights` heights at most, then free pages beyond the
    /// store's reserve go back to the file system.
    func prune(retainHeight: Int64, state: ChainState) throws -> ChainStorePruning {
        let outcome = try store.prune(retainHeight: retainHeight, state: state)
        if outcome.pruned > 0 { try store.reclaimFreePages() }
        return outcome
    }

    func isEvidenceCommitted(hash: Bytes) throws -> Bool { try store.isEvidenceCommitted(hash: hash) }

    func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws { try store.savePendingEvidence(evidence) }

    func pendingEvidence() throws -> [DuplicateVoteEvidence] { try store.pendingEvidence() }

    func removePendingEvidence(hashes: [Bytes]) throws { try store.removePendingEvidence(hashes: hashes) }
}
