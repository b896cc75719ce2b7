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

    func saveHeight(block: Block, blockID: BlockID, seenCommit: Commit, state: ChainState,
                    response: FinalizeBlockResponse) throws {
        try store.save(block: block, blockID: blockID, seenCommit: seenCommit, state: state, finalizeBlockResponse: response)
    }

    func block(at height: Int64) throws -> Block? { try store.block(at: height) }

    func blockBytes(at height: Int64) throws -> Bytes? { try store.blockBytes(at: height) }

    func decidedCommit(at height: Int64) throws -> Commit? { try store.commit(at: height)?.commit }

    func finalizeBlockResponse(at height: Int64) throws -> FinalizeBlockResponse? {
        try store.finalizeBlockResponse(at: height)
    }

    func validators(at height: Int64) throws -> ValidatorSet? { try store.validators(at: height) }

    func isEvidenceCommitted(hash: Bytes) throws -> Bool { try store.isEvidenceCommitted(hash: hash) }

    func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws { try store.savePendingEvidence(evidence) }

    func pendingEvidence() throws -> [DuplicateVoteEvidence] { try store.pendingEvidence() }

    func removePendingEvidence(hashes: [Bytes]) throws { try store.removePendingEvidence(hashes: hashes) }
}
