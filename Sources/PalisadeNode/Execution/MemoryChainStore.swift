import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Synchronization

/// A `ChainStore` in memory: for the simulator and for tests that drive several nodes in one
/// process. Each call is one atomic step, as `BlockStore`'s transactions are, so a simulated crash
/// between calls leaves it exactly as a crash leaves the SQLite store.
public final class MemoryChainStore: ChainStore {
    private struct Contents {
        var initial: ChainState?
        var states: [Int64: ChainState] = [:]
        var blocks: [Int64: Block] = [:]
        var seenCommits: [Int64: Commit] = [:]
        var extendedCommits: [Int64: ExtendedCommit] = [:]
        var responses: [Int64: FinalizeBlockResponse] = [:]
        var validators: [Int64: ValidatorSet] = [:]
        var latest: Int64 = 0
        var committedEvidence: Set<Bytes> = []
        var pendingEvidence: [Bytes: DuplicateVoteEvidence] = [:]
    }

    private let contents = Mutex(Contents())

    public init() {}

    public func latestState() throws -> ChainState? {
        contents.withLock { $0.latest == 0 ? $0.initial : $0.states[$0.latest] }
    }

    public func saveInitialState(_ state: ChainState) throws {
        contents.withLock { $0.initial = state }
    }

    public func bootstrap(state: ChainState, commit: Commit) throws {
        contents.withLock {
            let height = state.lastBlockHeight
            $0.states[height] = state
            $0.seenCommits[height] = commit
            $0.validators[height] = state.lastValidators
            $0.validators[height + 1] = state.validators
            $0.latest = height
        }
    }

    /// Keeps the block as a value; `blockBytes` is not needed for that.
    public func saveHeight(block: Block, blockBytes: Bytes?, blockID: BlockID, seenCommit: Commit,
                           voteExtensions: [VoteExtension]?, state: ChainState, response: FinalizeBlockResponse) throws {
        let height = block.header.height
        let extended = try voteExtensions.map { extensions in
            guard let extended = ExtendedCommit(commit: seenCommit, extensions: extensions) else {
                throw MemoryChainStoreError.extensionsDoNotFitCommit(height: height)
            }
            return extended
        }
        contents.withLock {
            $0.blocks[height] = block
            $0.seenCommits[height] = seenCommit
            $0.extendedCommits[height] = extended
            $0.states[height] = state
            $0.responses[height] = response
            $0.validators[height] = $0.latest == 0 ? $0.initial?.validators : $0.states[$0.latest]?.validators
            $0.latest = height
            for item in block.evidence {
                $0.committedEvidence.insert(item.hash())
                $0.pendingEvidence[item.hash()] = nil
            }
        }
    }

    public func block(at height: Int64) throws -> Block? { contents.withLock { $0.blocks[height] } }

    public func decidedCommit(at height: Int64) throws -> Commit? {
        contents.withLock { $0.blocks[height + 1]?.lastCommit ?? $0.seenCommits[height] }
    }

    public func extendedCommit(at height: Int64) throws -> ExtendedCommit? {
        contents.withLock { $0.extendedCommits[height] }
    }

    public func finalizeBlockResponse(at height: Int64) throws -> FinalizeBlockResponse? {
        contents.withLock { $0.responses[height] }
    }

    public func validators(at height: Int64) throws -> ValidatorSet? { contents.withLock { $0.validators[height] } }

    public func baseHeight() throws -> Int64 { contents.withLock { $0.blocks.keys.min() ?? 0 } }

    /// Everything of the heights below `retainHeight` at once, validator sets included (the
    /// simulator's chains are short; the evidence window is `BlockStore`'s concern).
    public func prune(retainHeight: Int64, state: ChainState) throws -> ChainStorePruning {
        try contents.withLock { contents throws(MemoryChainStoreError) in
            guard retainHeight > 0, retainHeight <= contents.latest else {
                throw .retainHeightOutOfRange(retainHeight, latest: contents.latest)
            }
            let below = contents.blocks.keys.filter { $0 < retainHeight }
            for height in below {
                contents.blocks[height] = nil
                contents.seenCommits[height] = nil
                contents.extendedCommits[height] = nil
                contents.responses[height] = nil
                contents.states[height] = nil
            }
            for height in contents.validators.keys where height < retainHeight - 1 { contents.validators[height] = nil }
            return ChainStorePruning(base: contents.blocks.keys.min() ?? 0, pruned: Int64(below.count), incomplete: false)
        }
    }

    public func isEvidenceCommitted(hash: Bytes) throws -> Bool { contents.withLock { $0.committedEvidence.contains(hash) } }

    public func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws {
        contents.withLock { $0.pendingEvidence[evidence.hash()] = evidence }
    }

    public func pendingEvidence() throws -> [DuplicateVoteEvidence] {
        contents.withLock {
            $0.pendingEvidence.values.sorted {
                $0.height != $1.height ? $0.height < $1.height : $0.hash().lexicographicallyPrecedes($1.hash())
            }
        }
    }

    public func removePendingEvidence(hashes: [Bytes]) throws {
        contents.withLock { for hash in hashes { $0.pendingEvidence[hash] = nil } }
    }

    public var latestHeight: Int64 { contents.withLock { $0.latest } }
}

public enum MemoryChainStoreError: Error, Sendable, Hashable {
    /// `saveHeight` was given vote extensions that do not line up with the seen commit.
    case extensionsDoNotFitCommit(height: Int64)
    /// `prune` was given 0, a negative height, or one above the latest stored block.
    case retainHeightOutOfRange(Int64, latest: Int64)
}
