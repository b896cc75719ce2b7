import PalisadeABCI
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeState
import PalisadeTypes
import Synchronization

/// A `ChainStore` in memory, for driving several nodes in one test process.
final class InMemoryChainStore: ChainStore {
    private struct Contents {
        var initial: ChainState?
        var states: [Int64: ChainState] = [:]
        var blocks: [Int64: Block] = [:]
        var seenCommits: [Int64: Commit] = [:]
        var responses: [Int64: FinalizeBlockResponse] = [:]
        var validators: [Int64: ValidatorSet] = [:]
        var latest: Int64 = 0
        var committedEvidence: Set<Bytes> = []
        var pendingEvidence: [Bytes: DuplicateVoteEvidence] = [:]
    }

    private let contents = Mutex(Contents())

    func latestState() throws -> ChainState? {
        contents.withLock { $0.latest == 0 ? $0.initial : $0.states[$0.latest] }
    }

    func saveInitialState(_ state: ChainState) throws {
        contents.withLock { $0.initial = state }
    }

    func saveHeight(block: Block, blockID: BlockID, seenCommit: Commit, state: ChainState,
                    response: FinalizeBlockResponse) throws {
        let height = block.header.height
        contents.withLock {
            $0.blocks[height] = block
            $0.seenCommits[height] = seenCommit
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

    func block(at height: Int64) throws -> Block? { contents.withLock { $0.blocks[height] } }

    func decidedCommit(at height: Int64) throws -> Commit? {
        contents.withLock { $0.blocks[height + 1]?.lastCommit ?? $0.seenCommits[height] }
    }

    func finalizeBlockResponse(at height: Int64) throws -> FinalizeBlockResponse? {
        contents.withLock { $0.responses[height] }
    }

    func validators(at height: Int64) throws -> ValidatorSet? { contents.withLock { $0.validators[height] } }

    func isEvidenceCommitted(hash: Bytes) throws -> Bool { contents.withLock { $0.committedEvidence.contains(hash) } }

    func savePendingEvidence(_ evidence: DuplicateVoteEvidence) throws {
        contents.withLock { $0.pendingEvidence[evidence.hash()] = evidence }
    }

    func pendingEvidence() throws -> [DuplicateVoteEvidence] {
        contents.withLock {
            $0.pendingEvidence.values.sorted {
                $0.height != $1.height ? $0.height < $1.height : $0.hash().lexicographicallyPrecedes($1.hash())
            }
        }
    }

    func removePendingEvidence(hashes: [Bytes]) throws {
        contents.withLock { for hash in hashes { $0.pendingEvidence[hash] = nil } }
    }

    var latestHeight: Int64 { contents.withLock { $0.latest } }
}
