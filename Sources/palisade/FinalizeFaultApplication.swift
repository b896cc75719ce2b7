import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// Test faults behind hidden `palisade app` options, each at one height H:
/// - `--fail-finalize-at-height H`: FinalizeBlock throws, as a production app that rejects a
///   decided block does. The socket server answers with an `exception`, so the node must halt
///   naming FinalizeBlock. The wrapped app sees nothing of that block, so restarting it without
///   the option (same database) leaves it at height H-1, ready to execute block H again.
/// - `--wrong-app-hash-at-height H`: FinalizeBlock answers with a corrupted app hash, as a
///   non-deterministic app does. The node stores it and halts on the next block (app-hash
///   mismatch); `palisade rollback` and a fixed app recover it.
struct FinalizeFaultApplication: Application {
    enum Fault: Sendable {
        case refuse
        case wrongAppHash
    }

    let inner: any Application
    let height: Int64
    var fault: Fault = .refuse

    struct Refusal: Error, CustomStringConvertible {
        let height: Int64
        var description: String { "injected fault: FinalizeBlock refuses height \(height) (--fail-finalize-at-height)" }
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        guard request.height == height else { return try await inner.finalizeBlock(request) }
        switch fault {
        case .refuse:
            throw Refusal(height: height)
        case .wrongAppHash:
            var response = try await inner.finalizeBlock(request)
            response.appHash = SHA256Hash.digest(response.appHash + Array("wrong".utf8))
            return response
        }
    }

    func info(_ request: InfoRequest) async throws -> InfoResponse { try await inner.info(request) }

    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse { try await inner.initChain(request) }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse { try await inner.checkTx(request) }

    func query(_ request: QueryRequest) async throws -> QueryResponse { try await inner.query(request) }

    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        try await inner.prepareProposal(request)
    }

    func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        try await inner.processProposal(request)
    }

    func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse { try await inner.extendVote(request) }

    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        try await inner.verifyVoteExtension(request)
    }

    func commit() async throws -> CommitResponse { try await inner.commit() }

    func listSnapshots() async throws -> [Snapshot] { try await inner.listSnapshots() }

    func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        try await inner.offerSnapshot(request)
    }

    func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        try await inner.loadSnapshotChunk(request)
    }

    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        try await inner.applySnapshotChunk(request)
    }
}
