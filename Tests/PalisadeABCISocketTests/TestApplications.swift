import PalisadeABCI
import PalisadeABCISocket

/// Answers every method with the sample response for it and records each request it was given,
/// so a round trip can check both directions field for field.
actor RecordingApplication: Application {
    private(set) var received: [ABCIRequest] = []

    static func sample(_ method: ABCIMethod) -> ABCIResponse? {
        ABCISamples.responses.first { ABCIMethod($0) == method }
    }

    private func answer(_ request: ABCIRequest) throws -> ABCIResponse {
        received.append(request)
        guard let response = Self.sample(ABCIMethod(request)) else { throw TestFailure("no sample for \(request)") }
        return response
    }

    func info(_ request: InfoRequest) async throws -> InfoResponse {
        guard case .info(let r) = try answer(.info(request)) else { throw TestFailure("sample") }
        return r
    }

    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        guard case .initChain(let r) = try answer(.initChain(request)) else { throw TestFailure("sample") }
        return r
    }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        guard case .checkTx(let r) = try answer(.checkTx(request)) else { throw TestFailure("sample") }
        return r
    }

    func query(_ request: QueryRequest) async throws -> QueryResponse {
        guard case .query(let r) = try answer(.query(request)) else { throw TestFailure("sample") }
        return r
    }

    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        guard case .prepareProposal(let r) = try answer(.prepareProposal(request)) else { throw TestFailure("sample") }
        return r
    }

    func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        guard case .processProposal(let r) = try answer(.processProposal(request)) else { throw TestFailure("sample") }
        return r
    }

    func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse {
        guard case .extendVote(let r) = try answer(.extendVote(request)) else { throw TestFailure("sample") }
        return r
    }

    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        guard case .verifyVoteExtension(let r) = try answer(.verifyVoteExtension(request)) else { throw TestFailure("sample") }
        return r
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        guard case .finalizeBlock(let r) = try answer(.finalizeBlock(request)) else { throw TestFailure("sample") }
        return r
    }

    func commit() async throws -> CommitResponse {
        guard case .commit(let r) = try answer(.commit) else { throw TestFailure("sample") }
        return r
    }

    func listSnapshots() async throws -> [Snapshot] {
        guard case .listSnapshots(let r) = try answer(.listSnapshots) else { throw TestFailure("sample") }
        return r
    }

    func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        guard case .offerSnapshot(let r) = try answer(.offerSnapshot(request)) else { throw TestFailure("sample") }
        return r
    }

    func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        guard case .loadSnapshotChunk(let r) = try answer(.loadSnapshotChunk(request)) else { throw TestFailure("sample") }
        return r
    }

    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        guard case .applySnapshotChunk(let r) = try answer(.applySnapshotChunk(request)) else { throw TestFailure("sample") }
        return r
    }
}

/// Each CheckTx is answered with its transaction as `data` and its first byte as `code`, so the
/// caller can tell which response belongs to which request.
struct EchoTxApplication: Application {
    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        CheckTxResponse(code: UInt32(request.tx.first ?? 0), data: request.tx)
    }
}

/// Throws from `finalizeBlock` and `info`: the server must turn that into an `exception`.
struct FailingApplication: Application {
    struct Broken: Error, CustomStringConvertible {
        var description: String { "disk on fire" }
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse { throw Broken() }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Calls the `Application` method a request stands for and wraps the result as the response the
/// socket would carry: the same call works on an in-process app and on a socket client.
func send(_ request: ABCIRequest, to app: any Application) async throws -> ABCIResponse {
    switch request {
    case .echo(let message):
        guard let client = app as? ABCISocketClient else { return .echo(message) }
        return .echo(try await client.echo(message))
    case .flush: return .flush
    case .info(let r): return .info(try await app.info(r))
    case .initChain(let r): return .initChain(try await app.initChain(r))
    case .query(let r): return .query(try await app.query(r))
    case .checkTx(let r): return .checkTx(try await app.checkTx(r))
    case .commit: return .commit(try await app.commit())
    case .listSnapshots: return .listSnapshots(try await app.listSnapshots())
    case .offerSnapshot(let r): return .offerSnapshot(try await app.offerSnapshot(r))
    case .loadSnapshotChunk(let r): return .loadSnapshotChunk(try await app.loadSnapshotChunk(r))
    case .applySnapshotChunk(let r): return .applySnapshotChunk(try await app.applySnapshotChunk(r))
    case .prepareProposal(let r): return .prepareProposal(try await app.prepareProposal(r))
    case .processProposal(let r): return .processProposal(try await app.processProposal(r))
    case .extendVote(let r): return .extendVote(try await app.extendVote(r))
    case .verifyVoteExtension(let r): return .verifyVoteExtension(try await app.verifyVoteExtension(r))
    case .finalizeBlock(let r): return .finalizeBlock(try await app.finalizeBlock(r))
    }
}

/// A server for `app` on a free loopback port and a client connected to it.
func connectedPair(_ app: any Application, options: ABCISocketClient.Options = .init()) async throws
    -> (ABCISocketServer, ABCISocketClient) {
    let server = try await ABCISocketServer.start(serving: app, at: .tcp(host: "127.0.0.1", port: 0))
    let client = try await ABCISocketClient.connect(to: server.localAddress, options: options)
    return (server, client)
}
