import PalisadeTypes

/// A replicated state machine driven by consensus: ABCI 2.0 as a Swift protocol.
///
/// The node talks to the app over four logical connections, and calls on one connection arrive
/// one at a time, in order (the socket layer serializes them); calls on different connections
/// may overlap, so an app keeps the state each connection reads apart:
/// - consensus: `initChain`, `prepareProposal`, `processProposal`, `extendVote`,
///   `verifyVoteExtension`, `finalizeBlock`, `commit`;
/// - mempool: `checkTx`;
/// - query: `info`, `query`;
/// - snapshot: `listSnapshots`, `offerSnapshot`, `loadSnapshotChunk`, `applySnapshotChunk`.
///
/// A thrown error means the app cannot go on (CometBFT's node halts on it); a transaction or
/// proposal the app merely dislikes is answered with a non-zero code or `.reject`, not an error.
/// Every method has a default (CometBFT's `BaseApplication`), so an app implements only what it
/// needs; a real app implements at least `finalizeBlock`, `commit` and `info`.
public protocol Application: Sendable {
    /// Query connection, at startup and on `abci_info`: the last committed height and app hash,
    /// from which the node decides which stored blocks to replay.
    func info(_ request: InfoRequest) async throws -> InfoResponse

    /// Consensus connection, once, when the app reports height 0: genesis validators, params and
    /// `app_state`. The returned app hash is the first block's.
    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse

    /// Mempool connection, for each new transaction and, after each commit, for each one still in
    /// the mempool (`.recheck`). Checks against the last committed state; cheap and side-effect
    /// free on that state.
    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse

    /// Query connection: reads committed state only, never a block in progress.
    func query(_ request: QueryRequest) async throws -> QueryResponse

    /// Consensus connection, when this node proposes. Must return transactions whose total size
    /// is at most `maxTxBytes`. May be non-deterministic (only the proposer runs it).
    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse

    /// Consensus connection, for every complete proposal before prevoting. Must be deterministic
    /// and accept whatever an honest `prepareProposal` could return.
    func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse

    /// Consensus connection, before precommitting for a block, once vote extensions are enabled.
    func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse

    /// Consensus connection, for each other validator's extended precommit. Must be
    /// deterministic and accept what an honest `extendVote` could return.
    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse

    /// Consensus connection, once per decided block, in height order. Must be deterministic: the
    /// results, validator updates and app hash depend only on the state and the block. The writes
    /// are not yet visible to `query` or `checkTx`; `commit` makes them so.
    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse

    /// Consensus connection, after `finalizeBlock` once the node has saved the block's results.
    /// Must persist the state so that `info` after a restart reports this height; from here on
    /// the mempool and queries see the new state.
    func commit() async throws -> CommitResponse

    /// Snapshot connection, when a peer asks which snapshots this node can serve.
    func listSnapshots() async throws -> [Snapshot]

    /// Snapshot connection, on a syncing node, for each snapshot peers advertise.
    func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse

    /// Snapshot connection, to serve a chunk of one of `listSnapshots`' snapshots to a peer.
    func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes

    /// Snapshot connection, on a syncing node, for each chunk of the accepted snapshot in order.
    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse
}

/// CometBFT's `BaseApplication` behaviour: a stateless app that accepts everything and keeps no
/// snapshots.
extension Application {
    public func info(_ request: InfoRequest) async throws -> InfoResponse { InfoResponse() }

    public func initChain(_ request: InitChainRequest) async throws -> InitChainResponse { InitChainResponse() }

    public func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse { CheckTxResponse(code: 0) }

    public func query(_ request: QueryRequest) async throws -> QueryResponse { QueryResponse(code: 0) }

    /// The mempool's transactions in order, stopping before the first one that would take the
    /// total past `maxTxBytes`.
    public func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        PrepareProposalResponse(txs: Self.takeInOrder(request.txs, maxTxBytes: request.maxTxBytes))
    }

    public func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse { .accept }

    public func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse { ExtendVoteResponse() }

    public func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        .accept
    }

    /// Every transaction succeeds with code 0 and nothing changes.
    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        FinalizeBlockResponse(txResults: request.txs.map { _ in TxResult(code: 0) }, appHash: [])
    }

    public func commit() async throws -> CommitResponse { CommitResponse() }

    public func listSnapshots() async throws -> [Snapshot] { [] }

    public func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse { .reject }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes { [] }

    public func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        ApplySnapshotChunkResponse(result: .rejectSnapshot)
    }

    /// A prefix of `txs` whose sizes add up to at most `maxTxBytes` (sums cannot overflow: a
    /// block's transactions fit in memory, far below `Int64.max`).
    public static func takeInOrder(_ txs: [Bytes], maxTxBytes: Int64) -> [Bytes] {
        var total: Int64 = 0
        var out: [Bytes] = []
        for tx in txs {
            total += Int64(tx.count)
            if total > maxTxBytes { break }
            out.append(tx)
        }
        return out
    }
}
