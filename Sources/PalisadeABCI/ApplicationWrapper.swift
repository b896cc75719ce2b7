import PalisadeTypes

/// An app that is another app except for the calls it implements itself: fault injection and
/// recording around a real app, in tests and behind hidden CLI options. Every call the wrapper
/// does not implement goes to `inner` (a refinement's defaults win over `Application`'s
/// accept-everything ones).
public protocol ApplicationWrapper: Application {
    var inner: any Application { get }
}

extension ApplicationWrapper {
    public func info(_ request: InfoRequest) async throws -> InfoResponse { try await inner.info(request) }

    public func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        try await inner.initChain(request)
    }

    public func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse { try await inner.checkTx(request) }

    public func query(_ request: QueryRequest) async throws -> QueryResponse { try await inner.query(request) }

    public func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        try await inner.prepareProposal(request)
    }

    public func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        try await inner.processProposal(request)
    }

    public func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse {
        try await inner.extendVote(request)
    }

    public func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        try await inner.verifyVoteExtension(request)
    }

    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        try await inner.finalizeBlock(request)
    }

    public func commit() async throws -> CommitResponse { try await inner.commit() }

    public func listSnapshots() async throws -> [Snapshot] { try await inner.listSnapshots() }

    public func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        try await inner.offerSnapshot(request)
    }

    public func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        try await inner.loadSnapshotChunk(request)
    }

    public func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        try await inner.applySnapshotChunk(request)
    }
}
