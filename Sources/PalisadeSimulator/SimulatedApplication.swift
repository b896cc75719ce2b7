import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
import Synchronization

/// The app every simulated validator runs: the kvstore, deterministic, behind a gate so a dead
/// incarnation's calls fail as calls to a dead process would. Two changes for the run:
/// - a transaction starting with `invalidPrefix` makes ProcessProposal reject the block (what
///   an invalid proposer's PrepareProposal adds, so validity has something to catch);
/// - misbehaviour is not slashed, so the validator set, and with it every proposer the checker
///   computes on its own, stays the genesis one.
/// After each Commit the committed state goes into `history`, from which a restart may start
/// an app that is behind the store.
struct SimulatedApplication: Application {
    static let invalidPrefix = "sim-invalid"

    let inner: KVStoreApplication
    let gate: PortGate
    let history: AppHistory
    /// An invalid proposer: its PrepareProposal adds a transaction honest apps reject.
    let proposesInvalid: Bool

    private func pass(_ call: String) throws {
        guard gate.pass() else { throw SimulatedCrash(call: call) }
    }

    func info(_ request: InfoRequest) async throws -> InfoResponse {
        try pass("Info")
        return try await inner.info(request)
    }

    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        try pass("InitChain")
        return try await inner.initChain(request)
    }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        try await inner.checkTx(request)
    }

    func query(_ request: QueryRequest) async throws -> QueryResponse {
        try await inner.query(request)
    }

    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        try pass("PrepareProposal")
        var response = try await inner.prepareProposal(request)
        if proposesInvalid {
            let tx = Bytes("\(Self.invalidPrefix)=\(request.height)".utf8)
            if response.txs.reduce(0, { $0 + $1.count }) + tx.count <= request.maxTxBytes { response.txs.append(tx) }
        }
        return response
    }

    func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        try pass("ProcessProposal")
        if request.txs.contains(where: Self.isInvalid) { return .reject }
        return try await inner.processProposal(request)
    }

    /// Called only once vote extensions are enabled, so seeds without them see no extra port call.
    func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse {
        try pass("ExtendVote")
        return try await inner.extendVote(request)
    }

    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        try pass("VerifyVoteExtension")
        return try await inner.verifyVoteExtension(request)
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        try pass("FinalizeBlock")
        var request = request
        request.misbehavior = []
        return try await inner.finalizeBlock(request)
    }

    func commit() async throws -> CommitResponse {
        try pass("Commit")
        let response = try await inner.commit()
        // The simulator's apps run over in-memory stores, whose contents are a value to keep.
        if let memory = inner.store as? InMemoryKVStateStore { history.append(memory.contents) }
        return response
    }

    static func isInvalid(_ tx: Bytes) -> Bool {
        tx.starts(with: Bytes(invalidPrefix.utf8))
    }
}

/// A call to the app of an incarnation that has crashed.
struct SimulatedCrash: Error, CustomStringConvertible {
    var call: String
    var description: String { "simulated crash before \(call)" }
}

/// The kvstore states an endpoint's app committed, height by height (the whole in-memory store
/// after each Commit): where a restarted app can resume from when the run puts the app behind
/// the store.
final class AppHistory: Sendable {
    private let states = Mutex<[InMemoryKVStateStore.Contents]>([])

    /// Keeps the last few: enough to put an app several heights behind, without holding
    /// every height's copy of a growing store.
    func append(_ state: InMemoryKVStateStore.Contents) {
        states.withLock {
            $0.append(state)
            if $0.count > 8 { $0.removeFirst() }
        }
    }

    /// The committed states, oldest first.
    var all: [InMemoryKVStateStore.Contents] { states.withLock { $0 } }
}
