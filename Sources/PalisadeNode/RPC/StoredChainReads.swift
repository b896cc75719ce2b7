import PalisadeABCI
import PalisadeCrypto
import PalisadeIndexer
import PalisadeRPC
import PalisadeStorage
import PalisadeTypes

/// The RPC answers that come from disk alone (block store and event index), shared by a running
/// node's backend and `palisade inspect`'s, which serves a stopped node's data.
struct StoredChainReads: Sendable {
    let store: BlockStore
    let index: EventIndex?

    func blockStoreRange() throws -> BlockStoreRange {
        BlockStoreRange(base: try store.baseHeight(), height: try store.latestHeight())
    }

    func block(at height: Int64) throws -> StoredBlock? {
        guard let block = try store.block(at: height), let meta = try store.blockMeta(at: height) else { return nil }
        return StoredBlock(blockID: meta.blockID, block: block, size: meta.blockSize)
    }

    func block(hash: Bytes) throws -> StoredBlock? {
        guard let height = try store.height(ofBlockHash: hash) else { return nil }
        return try block(at: height)
    }

    func commit(at height: Int64) throws -> SignedHeader? {
        guard let meta = try store.blockMeta(at: height), let stored = try store.commit(at: height) else { return nil }
        return SignedHeader(header: meta.header, commit: stored.commit, canonical: stored.isCanonical)
    }

    /// `/status`'s block fields; `appHash` and `catchingUp` are the caller's to know.
    func syncInfo(appHash: Bytes, catchingUp: Bool, genesisTime: Timestamp) throws -> SyncInfo {
        let range = try blockStoreRange()
        let latest = range.height > 0 ? try store.blockMeta(at: range.height) : nil
        let earliest = range.base > 0 ? try store.blockMeta(at: range.base) : nil
        let earliestAppHash = range.base > 0 ? (try store.block(at: range.base)?.header.appHash ?? []) : []
        return SyncInfo(
            latestBlockHash: latest?.blockID.hash ?? [], latestAppHash: appHash,
            latestBlockHeight: range.height, latestBlockTime: latest?.header.time ?? genesisTime,
            earliestBlockHash: earliest?.blockID.hash ?? [], earliestAppHash: earliestAppHash,
            earliestBlockHeight: range.base, earliestBlockTime: earliest?.header.time ?? genesisTime,
            catchingUp: catchingUp)
    }

    func tx(hash: Bytes) async throws -> PalisadeRPC.IndexedTx? {
        guard let index, let record = try await index.tx(hash: hash) else { return nil }
        return PalisadeRPC.IndexedTx(height: record.height, index: record.index, tx: record.tx, result: record.result)
    }

    func txSearch(query: String, page: Int, perPage: Int,
                  order: RPCSearchOrder) async throws -> RPCSearchPage<PalisadeRPC.IndexedTx> {
        guard let index else { throw RPCError.internalError("transaction indexing is disabled") }
        let parsed = try EventQuery(query)
        let found = try await index.searchTxs(parsed, pagination: Pagination(page: page, perPage: perPage),
                                              orderBy: order == .descending ? .descending : .ascending)
        return RPCSearchPage(items: found.items.map {
            PalisadeRPC.IndexedTx(height: $0.height, index: $0.index, tx: $0.tx, result: $0.result)
        }, totalCount: found.totalCount)
    }

    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64> {
        guard let index else { throw RPCError.internalError("block indexing is disabled") }
        let parsed = try EventQuery(query)
        let found = try await index.searchBlocks(parsed, pagination: Pagination(page: page, perPage: perPage),
                                                 orderBy: order == .descending ? .descending : .ascending)
        return RPCSearchPage(items: found.items, totalCount: found.totalCount)
    }
}

/// A backend whose store-only answers are `reads`' (the running node's and `palisade inspect`'s).
protocol StoredChainBackend: RPCBackend {
    var reads: StoredChainReads { get }
}

extension StoredChainBackend {
    func blockStoreRange() async throws -> BlockStoreRange { try reads.blockStoreRange() }

    func block(at height: Int64) async throws -> StoredBlock? { try reads.block(at: height) }

    func block(hash: Bytes) async throws -> StoredBlock? { try reads.block(hash: hash) }

    /// With `discard_abci_responses` CometBFT refuses every height, the latest included.
    func blockResults(at height: Int64) async throws -> FinalizeBlockResponse? {
        guard !reads.store.discardsFinalizeBlockResponses else {
            throw RPCError.internalError("node is not persisting finalize block responses")
        }
        return try reads.store.finalizeBlockResponse(at: height)
    }

    func commit(at height: Int64) async throws -> SignedHeader? { try reads.commit(at: height) }

    func validators(at height: Int64) async throws -> ValidatorSet? { try reads.store.validators(at: height) }

    func consensusParams(at height: Int64) async throws -> ConsensusParams? { try reads.store.consensusParams(at: height) }

    func tx(hash: Bytes) async throws -> PalisadeRPC.IndexedTx? { try await reads.tx(hash: hash) }

    func txSearch(query: String, page: Int, perPage: Int,
                  order: RPCSearchOrder) async throws -> RPCSearchPage<PalisadeRPC.IndexedTx> {
        try await reads.txSearch(query: query, page: page, perPage: perPage, order: order)
    }

    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64> {
        try await reads.blockSearch(query: query, page: page, perPage: perPage, order: order)
    }
}
