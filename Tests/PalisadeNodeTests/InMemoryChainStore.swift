import PalisadeABCI
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

    var latestHeight: Int64 { contents.withLock { $0.latest } }
}
