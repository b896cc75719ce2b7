import Foundation
import PalisadeABCI
import PalisadeCrypto
import PalisadeRPC
import PalisadeTypes

/// An RPC backend serving a `SignedBlockChain`: a primary (honest or lying) for `palisade light`.
/// Its validator set can be swapped to make it claim a set that is not the chain's.
final class ChainRPCBackend: RPCBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var chain: SignedBlockChain
    /// What `consensus_params` answers at every height; a test changes it to make the primary lie.
    private var params = ConsensusParams.default

    /// How `abci_query` is answered (an app, honest or not); nil refuses it.
    private var queryAnswer: (@Sendable (QueryRequest) async throws -> QueryResponse)?

    init(chain: SignedBlockChain) { self.chain = chain }

    func answerQueries(_ answer: @escaping @Sendable (QueryRequest) async throws -> QueryResponse) {
        lock.withLock { queryAnswer = answer }
    }

    func update(_ change: (inout SignedBlockChain) -> Void) { lock.withLock { change(&chain) } }
    private var snapshot: SignedBlockChain { lock.withLock { chain } }
    func setParams(_ new: ConsensusParams) { lock.withLock { params = new } }

    struct Unsupported: Error {}

    func status() async throws -> NodeStatus { throw Unsupported() }
    func netInfo() async throws -> NetInfo { NetInfo(listening: true, listeners: [], peers: []) }
    func blockStoreRange() async throws -> BlockStoreRange {
        BlockStoreRange(base: 1, height: Int64(snapshot.blocks.count))
    }
    func block(at height: Int64) async throws -> StoredBlock? {
        let chain = snapshot
        guard height >= 1, height <= chain.blocks.count else { return nil }
        return StoredBlock(block: chain.blocks[Int(height - 1)].block)
    }
    func block(hash: Bytes) async throws -> StoredBlock? {
        snapshot.blocks.first { $0.block.header.hash() == hash }.map { StoredBlock(block: $0.block) }
    }
    func commit(at height: Int64) async throws -> SignedHeader? {
        let chain = snapshot
        guard height >= 1, height <= chain.blocks.count else { return nil }
        let entry = chain.blocks[Int(height - 1)]
        return SignedHeader(header: entry.block.header, commit: entry.commit, canonical: height < chain.blocks.count)
    }
    /// The chain's set with its proposer priorities moved on once per height, as a real chain's
    /// sets differ from height to height in priorities only (the header hashes do not cover them).
    func validators(at height: Int64) async throws -> ValidatorSet? {
        snapshot.validators.copyIncrementingProposerPriority(times: Int(max(1, height)))
    }
    func blockResults(at height: Int64) async throws -> FinalizeBlockResponse? { throw Unsupported() }
    func genesis() async throws -> GenesisDoc { throw Unsupported() }
    func consensusParams(at height: Int64) async throws -> ConsensusParams? { lock.withLock { params } }
    func consensusState() async throws -> RoundStateSummary { throw Unsupported() }
    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs { throw Unsupported() }
    func numUnconfirmedTxs() async throws -> UnconfirmedTxs { throw Unsupported() }
    func broadcastTxAsync(_ tx: Bytes) async throws { throw Unsupported() }
    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse { throw Unsupported() }
    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult { throw Unsupported() }
    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse { throw Unsupported() }
    func tx(hash: Bytes) async throws -> IndexedTx? { throw Unsupported() }
    func txSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<IndexedTx> {
        throw Unsupported()
    }
    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64> {
        throw Unsupported()
    }
    func abciInfo() async throws -> InfoResponse { throw Unsupported() }
    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse {
        guard let answer = lock.withLock({ queryAnswer }) else { throw Unsupported() }
        return try await answer(QueryRequest(data: data, path: path, height: height, prove: prove))
    }
    func events() async -> AsyncStream<RPCEvent> { AsyncStream { $0.finish() } }
}
