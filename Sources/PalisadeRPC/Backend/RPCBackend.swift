import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// What the JSON-RPC server needs from a running node, in domain types. The server owns the
/// CometBFT dialect (parameter parsing, height checks, paging, JSON shapes, errors); the node owns
/// the data. Every method may be called concurrently from many connections.
///
/// Errors: return `nil` for "no such height/hash" where the signature allows it, so the server
/// can phrase CometBFT's message. Any thrown error becomes JSON-RPC `-32603 Internal error` with
/// the error's description as `data`; throw `RPCError` to choose the code and text yourself.
public protocol RPCBackend: Sendable {
    // MARK: Info

    /// `/status`: the node, its sync progress and its own validator key.
    func status() async throws -> NodeStatus
    /// `/net_info`: listeners and connected peers.
    func netInfo() async throws -> NetInfo
    /// `/health`: throw when the node is not healthy. Default: healthy.
    func health() async throws
    /// The lowest and highest heights the block store holds (`base`, `height`). Every height
    /// argument is checked against this range before the other block methods are called, with
    /// CometBFT's messages. `height` is 0 before the first block is stored.
    func blockStoreRange() async throws -> BlockStoreRange
    /// The block at `height` with its ID; `nil` if not stored.
    func block(at height: Int64) async throws -> StoredBlock?
    /// The block whose header hash is `hash`; `nil` if unknown.
    func block(hash: Bytes) async throws -> StoredBlock?
    /// What the app returned from `FinalizeBlock` for the block at `height`; `nil` if not stored.
    func blockResults(at height: Int64) async throws -> FinalizeBlockResponse?
    /// The header at `height` and the commit for it. For the latest height this is the commit the
    /// node saw (`canonical == false`); for older heights the next block's `LastCommit` (`true`).
    func commit(at height: Int64) async throws -> SignedHeader?
    /// The validator set that signs the block at `height`. The server pages it.
    func validators(at height: Int64) async throws -> ValidatorSet?
    /// The genesis document the chain started from.
    func genesis() async throws -> GenesisDoc
    /// The consensus parameters in force at `height`.
    func consensusParams(at height: Int64) async throws -> ConsensusParams?
    /// `/consensus_state`: a summary of the current round (UNSTABLE in CometBFT too).
    func consensusState() async throws -> RoundStateSummary
    /// `/dump_consensus_state`: the round summary plus what each peer is known to have.
    func dumpConsensusState() async throws -> ConsensusStateDump

    // MARK: Mempool

    /// Up to `limit` transactions waiting in the mempool, oldest first, and the mempool's totals.
    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs
    /// The mempool's totals, no transactions.
    func numUnconfirmedTxs() async throws -> UnconfirmedTxs
    /// `broadcast_tx_async`: queue `tx` for CheckTx and return at once. Throw if the mempool
    /// refuses it outright (full, too large, already in the cache).
    func broadcastTxAsync(_ tx: Bytes) async throws
    /// `broadcast_tx_sync`: CheckTx through the mempool and return the app's answer.
    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse
    /// `broadcast_tx_commit`: CheckTx; when it passes, wait (bounded by the node's own
    /// `timeout_broadcast_tx_commit`) for the transaction to be committed and return its result.
    /// On timeout throw an error whose description is CometBFT's
    /// "timed out waiting for tx to be included in a block".
    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult
    /// `check_tx`: ask the app about `tx` without adding it to the mempool.
    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse

    // MARK: Transactions and blocks by event (the node wires these to PalisadeIndexer)

    /// The committed transaction whose SHA-256 is `hash`; `nil` if not indexed.
    func tx(hash: Bytes) async throws -> IndexedTx?
    /// `tx_search`: transactions matching CometBFT's query language. `page` (1-based) and
    /// `perPage` are already validated against the server's limits; return the page's items and
    /// the total match count. A page past the end returns no items; the server reports it.
    /// Throw for a malformed query (its description becomes the error's `data`).
    func txSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<IndexedTx>
    /// `block_search`: heights of blocks whose `FinalizeBlock` events (and `block.height`) match,
    /// paged as `txSearch`. The server loads each block with `block(at:)`.
    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64>

    // MARK: ABCI

    /// `abci_info`: the app's `Info` answer.
    func abciInfo() async throws -> InfoResponse
    /// `abci_query`: the app's `Query` answer.
    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse

    // MARK: Evidence

    /// `broadcast_evidence`: verify and add evidence to the pool. Throw with the reason it is
    /// rejected.
    func broadcastEvidence(_ evidence: DuplicateVoteEvidence) async throws

    // MARK: Events

    /// A stream of everything subscribers can ask for. The server calls this once per `run()`
    /// and fans events out to WebSocket subscriptions itself; finish the stream at shutdown.
    /// Yielding must never block consensus: build the stream with a bounded buffering policy.
    func events() async -> AsyncStream<RPCEvent>

    // MARK: Unsafe (only served when `RPCServerConfiguration.unsafe` is set)

    /// `dial_seeds`: returns a log line.
    func dialSeeds(_ seeds: [String]) async throws -> String
    /// `dial_peers`: returns a log line.
    func dialPeers(_ peers: [String], persistent: Bool, unconditional: Bool, isPrivate: Bool) async throws -> String
    /// `unsafe_flush_mempool`.
    func unsafeFlushMempool() async throws
}

extension RPCBackend {
    public func health() async throws {}

    public func dumpConsensusState() async throws -> ConsensusStateDump {
        ConsensusStateDump(roundState: try await consensusState(), peers: [])
    }

    public func broadcastEvidence(_ evidence: DuplicateVoteEvidence) async throws {
        throw RPCError.internalError("broadcast_evidence is not supported by this node")
    }

    public func dialSeeds(_ seeds: [String]) async throws -> String {
        throw RPCError.internalError("dial_seeds is not supported by this node")
    }

    public func dialPeers(_ peers: [String], persistent: Bool, unconditional: Bool, isPrivate: Bool) async throws -> String {
        throw RPCError.internalError("dial_peers is not supported by this node")
    }

    public func unsafeFlushMempool() async throws {
        throw RPCError.internalError("unsafe_flush_mempool is not supported by this node")
    }
}
