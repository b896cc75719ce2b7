import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeStorage
import PalisadeTypes

/// What the node needs from durable block storage. `PalisadeStorage.BlockStore` (SQLite) is the
/// real one; tests may use an in-memory one. The contract that makes restarts safe (ARCHITECTURE §5
/// rule 3): `saveHeight` stores the block, its commit, the resulting state and the app's answer
/// in one transaction, so after a crash either all of a height is there or none of it.
public protocol ChainStore: Sendable {
    /// The state after the last stored block, or the initial state; nil for a fresh node.
    func latestState() throws -> ChainState?
    /// The state before the first block (after InitChain).
    func saveInitialState(_ state: ChainState) throws
    /// Starts an empty store at the state state sync restored (`BlockStore.bootstrap`): the
    /// state after block H and the commit of H; the next block saved is H+1.
    func bootstrap(state: ChainState, commit: Commit) throws
    /// `voteExtensions`: the extensions of `seenCommit`'s precommits, entry for entry, when vote
    /// extensions are enabled at the block's height; nil otherwise. `blockBytes`: the block's
    /// protobuf encoding when the caller holds it (`BlockStore.save`'s `encoded`).
    func saveHeight(block: Block, blockBytes: Bytes?, blockID: BlockID, seenCommit: Commit,
                    voteExtensions: [VoteExtension]?, state: ChainState, response: FinalizeBlockResponse) throws
    func block(at height: Int64) throws -> Block?
    /// Block `height`'s protobuf encoding (what block sync sends), without decoding it when the
    /// store keeps the bytes.
    func blockBytes(at height: Int64) throws -> Bytes?
    /// The +2/3 precommits for `height`: the canonical commit (next block's LastCommit) when the
    /// next block is stored, else the commit this node saw.
    func decidedCommit(at height: Int64) throws -> Commit?
    /// The seen commit of `height` with its vote extensions, as `saveHeight` stored them; nil
    /// when that height had vote extensions disabled.
    func extendedCommit(at height: Int64) throws -> ExtendedCommit?
    func finalizeBlockResponse(at height: Int64) throws -> FinalizeBlockResponse?
    func validators(at height: Int64) throws -> ValidatorSet?
    func blockTime(at height: Int64) throws -> Timestamp?
    /// The lowest stored block (`earliest_block_height`), 0 when none is stored.
    func baseHeight() throws -> Int64
    /// Prunes what is below `retainHeight` (the app's `ResponseCommit.retain_height`) and no
    /// longer needed, given `state`, the latest stored state; bounded work per call (the rest
    /// on later calls). Refuses 0 and heights above the latest block.
    func prune(retainHeight: Int64, state: ChainState) throws -> ChainStorePruning

    // The evidence pool's memory. `saveHeight` records the block's evidence as committed and
    // drops it from the pending items, in the same transaction.
    func isEvidenceCommitted(hash: Bytes) throws -> Bool
    func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws
    func pendingEvidence() throws -> [DuplicateVoteEvidence]
    func removePendingEvidence(hashes: [Bytes]) throws
}

extension ChainStore {
    public func saveHeight(block: Block, blockID: BlockID, seenCommit: Commit, voteExtensions: [VoteExtension]?,
                           state: ChainState, response: FinalizeBlockResponse) throws {
        try saveHeight(block: block, blockBytes: nil, blockID: blockID, seenCommit: seenCommit,
                       voteExtensions: voteExtensions, state: state, response: response)
    }

    public func blockBytes(at height: Int64) throws -> Bytes? { try block(at: height)?.protobuf }

    /// The time of block `height`, which duplicate-vote evidence from that height must carry.
    /// `BlockStore` keeps it after pruning the block, while such evidence is not expired.
    public func blockTime(at height: Int64) throws -> Timestamp? { try block(at: height)?.header.time }

    /// `validators(at:)` as `BlockValidator` takes it: a height the store cannot answer for is
    /// unknown, which fails the evidence that names it.
    var validatorSetLookup: (Int64) -> ValidatorSet? {
        { height in (try? self.validators(at: height)) ?? nil }
    }
}

/// What one `ChainStore.prune` did: the block store's own account.
public typealias ChainStorePruning = BlockStore.PruneOutcome
