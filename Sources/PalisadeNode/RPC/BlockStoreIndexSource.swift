import PalisadeIndexer
import PalisadeStorage

/// Where the indexer fetches committed blocks it missed (after a restart, or when its queue
/// overflowed): the block store and the stored FinalizeBlock responses.
struct BlockStoreIndexSource: IndexBlockSource {
    let store: BlockStore

    func indexBlock(at height: Int64) async throws -> IndexBlock? {
        guard let block = try store.block(at: height), let response = try store.finalizeBlockResponse(at: height) else {
            return nil
        }
        return try IndexBlock(height: height, txs: block.data.txs, response: response)
    }
}
