import NIOCore
import PalisadeABCI

/// Each `Application` method as one call on its CometBFT connection.
extension ABCISocketClient {
    public func info(_ request: InfoRequest) async throws(ABCIClientError) -> InfoResponse {
        let response = try await call(.info(request), on: .query)
        guard case .info(let r) = response else { throw mismatch(response, .query, .info) }
        return r
    }

    public func query(_ request: QueryRequest) async throws(ABCIClientError) -> QueryResponse {
        let response = try await call(.query(request), on: .query)
        guard case .query(let r) = response else { throw mismatch(response, .query, .query) }
        return r
    }

    /// A connection-level Echo on the query connection (a liveness check; no app involved).
    public func echo(_ message: String) async throws(ABCIClientError) -> String {
        let response = try await call(.echo(message), on: .query)
        guard case .echo(let r) = response else { throw mismatch(response, .query, .echo) }
        return r
    }

    /// Pipelined on the mempool connection: concurrent callers' requests are in flight together
    /// and share a Flush.
    public func checkTx(_ request: CheckTxRequest) async throws(ABCIClientError) -> CheckTxResponse {
        guard let future = pipelined(.checkTx(request), on: .mempool) else {
            throw ABCIClientError(connection: .mempool, method: .checkTx, reason: .connectionClosed("no such connection"))
        }
        let response = try await wait(future, .mempool, .checkTx)
        guard case .checkTx(let r) = response else { throw mismatch(response, .mempool, .checkTx) }
        return r
    }

    /// Many transactions at once (a recheck after a block, a batch from gossip): all are written
    /// before any answer is awaited, followed by one Flush; the responses come back in order.
    public func checkTxBatch(_ requests: [CheckTxRequest]) async throws(ABCIClientError) -> [CheckTxResponse] {
        var futures: [EventLoopFuture<ABCIResponse>] = []
        futures.reserveCapacity(requests.count)
        for request in requests {
            guard let future = pipelined(.checkTx(request), on: .mempool) else {
                throw ABCIClientError(connection: .mempool, method: .checkTx, reason: .connectionClosed("no such connection"))
            }
            futures.append(future)
        }
        var responses: [CheckTxResponse] = []
        responses.reserveCapacity(requests.count)
        for future in futures {
            let response = try await wait(future, .mempool, .checkTx)
            guard case .checkTx(let r) = response else { throw mismatch(response, .mempool, .checkTx) }
            responses.append(r)
        }
        return responses
    }

    public func initChain(_ request: InitChainRequest) async throws(ABCIClientError) -> InitChainResponse {
        let response = try await call(.initChain(request), on: .consensus)
        guard case .initChain(let r) = response else { throw mismatch(response, .consensus, .initChain) }
        return r
    }

    public func prepareProposal(_ request: PrepareProposalRequest) async throws(ABCIClientError) -> PrepareProposalResponse {
        let response = try await call(.prepareProposal(request), on: .consensus)
        guard case .prepareProposal(let r) = response else { throw mismatch(response, .consensus, .prepareProposal) }
        return r
    }

    public func processProposal(_ request: ProcessProposalRequest) async throws(ABCIClientError) -> ProcessProposalResponse {
        let response = try await call(.processProposal(request), on: .consensus)
        guard case .processProposal(let r) = response else { throw mismatch(response, .consensus, .processProposal) }
        return r
    }

    public func extendVote(_ request: ExtendVoteRequest) async throws(ABCIClientError) -> ExtendVoteResponse {
        let response = try await call(.extendVote(request), on: .consensus)
        guard case .extendVote(let r) = response else { throw mismatch(response, .consensus, .extendVote) }
        return r
    }

    public func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws(ABCIClientError) -> VerifyVoteExtensionResponse {
        let response = try await call(.verifyVoteExtension(request), on: .consensus)
        guard case .verifyVoteExtension(let r) = response else { throw mismatch(response, .consensus, .verifyVoteExtension) }
        return r
    }

    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws(ABCIClientError) -> FinalizeBlockResponse {
        let response = try await call(.finalizeBlock(request), on: .consensus)
        guard case .finalizeBlock(let r) = response else { throw mismatch(response, .consensus, .finalizeBlock) }
        return r
    }

    public func commit() async throws(ABCIClientError) -> CommitResponse {
        let response = try await call(.commit, on: .consensus)
        guard case .commit(let r) = response else { throw mismatch(response, .consensus, .commit) }
        return r
    }

    public func listSnapshots() async throws(ABCIClientError) -> [Snapshot] {
        let response = try await call(.listSnapshots, on: .snapshot)
        guard case .listSnapshots(let r) = response else { throw mismatch(response, .snapshot, .listSnapshots) }
        return r
    }

    public func offerSnapshot(_ request: OfferSnapshotRequest) async throws(ABCIClientError) -> OfferSnapshotResponse {
        let response = try await call(.offerSnapshot(request), on: .snapshot)
        guard case .offerSnapshot(let r) = response else { throw mismatch(response, .snapshot, .offerSnapshot) }
        return r
    }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws(ABCIClientError) -> Bytes {
        let response = try await call(.loadSnapshotChunk(request), on: .snapshot)
        guard case .loadSnapshotChunk(let r) = response else { throw mismatch(response, .snapshot, .loadSnapshotChunk) }
        return r
    }

    public func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws(ABCIClientError) -> ApplySnapshotChunkResponse {
        let response = try await call(.applySnapshotChunk(request), on: .snapshot)
        guard case .applySnapshotChunk(let r) = response else { throw mismatch(response, .snapshot, .applySnapshotChunk) }
        return r
    }
}
