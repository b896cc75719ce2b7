import PalisadeABCI

/// CometBFT's example key-value store as a Palisade `Application`: the app e2e tests and the
/// quick start run. Transactions are described in `KVTransaction`; the app hash in
/// `KVState.appHash`.
///
/// Consensus calls work on `pending`, a copy of the committed state made by `finalizeBlock`;
/// `commit` makes it the committed state and saves it. `checkTx` and `query` read only the
/// committed state, so they never see a block in progress.
public actor KVStoreApplication: Application {
    /// The `app_version` CometBFT's kvstore reports.
    public static let appVersion: UInt64 = 1

    public private(set) var committed: KVState
    private var pending: KVState?
    private let store: (any KVStateStore)?

    public init(state: KVState = KVState(), store: (any KVStateStore)? = nil) {
        committed = state
        self.store = store
    }

    /// An app resumed from the store's last committed state (or empty, for a fresh store).
    public static func restore(from store: any KVStateStore) async throws -> KVStoreApplication {
        KVStoreApplication(state: try await store.load() ?? KVState(), store: store)
    }

    public func info(_ request: InfoRequest) async throws -> InfoResponse {
        InfoResponse(data: "{\"size\":\(committed.size)}", appVersion: Self.appVersion,
                     lastBlockHeight: committed.height, lastBlockAppHash: committed.height == 0 ? [] : committed.appHash)
    }

    /// Records the genesis validators; the returned hash covers them.
    public func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        for update in request.validators { _ = committed.apply(update) }
        return InitChainResponse(appHash: committed.appHash)
    }

    /// Format only, as CometBFT's kvstore: any well-formed transaction is admitted.
    public func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        do {
            _ = try KVTransaction.parse(request.tx)
            return CheckTxResponse(code: 0, gasWanted: 1)
        } catch {
            return CheckTxResponse(code: KVTransaction.invalidFormatCode, log: error.reason)
        }
    }

    /// Drops malformed transactions, rewrites `key:value` as `key=value`, and keeps the block
    /// within `maxTxBytes`.
    public func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        let wellFormed = request.txs.filter { (try? KVTransaction.parse($0)) != nil }.map(KVTransaction.canonical)
        return PrepareProposalResponse(txs: Self.takeInOrder(wellFormed, maxTxBytes: request.maxTxBytes))
    }

    /// Rejects a block with any malformed transaction (an honest proposer never includes one).
    public func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        request.txs.allSatisfy { (try? KVTransaction.parse($0)) != nil } ? .accept : .reject
    }

    /// Once vote extensions are enabled, each precommit for a block carries `voteExtension(at:)`:
    /// enough for every validator's extension to be checked and seen by the next proposer
    /// (PrepareProposal's `localLastCommit`) without making the example depend on them.
    public func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse {
        ExtendVoteResponse(voteExtension: Self.voteExtension(at: request.height))
    }

    /// Accepts exactly what an honest `extendVote` returns for the height.
    public func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        request.voteExtension == Self.voteExtension(at: request.height) ? .accept : .reject
    }

    /// The extension for a precommit at `height`: `kvstore:` and the height in decimal.
    public static func voteExtension(at height: Int64) -> Bytes { Array("kvstore:\(height)".utf8) }

    /// Executes the block on a copy of the committed state. A duplicate-vote offender known to
    /// the set loses 1 power (CometBFT kvstore's punishment); validator txs and that penalty come
    /// back as one update per key, last write winning, in first-seen order.
    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        var state = committed
        var updates = ValidatorUpdates(initial: committed.validators)
        for offence in request.misbehavior where offence.type == .duplicateVote {
            if let key = state.validatorKey(for: offence.address), let power = state.validators[key] {
                let update = ValidatorUpdate(publicKey: key, power: power - 1)
                _ = state.apply(update)
                updates.record(update)
            }
        }
        var results: [TxResult] = []
        results.reserveCapacity(request.txs.count)
        for tx in request.txs {
            results.append(Self.execute(tx, on: &state, updates: &updates))
        }
        state.height = request.height
        pending = state
        return FinalizeBlockResponse(txResults: results, validatorUpdates: updates.list, appHash: state.appHash)
    }

    /// Makes the last finalized block's writes visible and saves them.
    public func commit() async throws -> CommitResponse {
        guard let pending else { throw KVStoreError.commitWithoutBlock }
        committed = pending
        self.pending = nil
        try await store?.save(committed)
        return CommitResponse()
    }

    /// `data` is the key (path ignored, as CometBFT's kvstore does for anything but `/val`);
    /// `/val` looks up a validator by its raw 32-byte public key and answers its power in decimal.
    public func query(_ request: QueryRequest) async throws -> QueryResponse {
        let value: Bytes?
        if request.path == "/val" {
            value = Ed25519PublicKey(bytes: request.data).flatMap { committed.validators[$0] }.map { Array(String($0).utf8) }
        } else {
            value = committed.pairs[request.data]
        }
        return QueryResponse(code: 0, log: value == nil ? "does not exist" : "exists", index: request.prove ? -1 : 0,
                             key: request.data, value: value ?? [], height: committed.height)
    }

    static func execute(_ tx: Bytes, on state: inout KVState, updates: inout ValidatorUpdates) -> TxResult {
        let parsed: KVTransaction
        do {
            parsed = try KVTransaction.parse(tx)
        } catch {
            return TxResult(code: KVTransaction.invalidFormatCode, log: error.reason)
        }
        state.size += 1
        switch parsed {
        case .set(let key, let value):
            state.pairs[key] = value
            return TxResult(code: 0, events: events(key: String(decoding: key, as: UTF8.self),
                                                    value: String(decoding: value, as: UTF8.self)))
        case .validator(let update):
            guard state.apply(update) else {
                return TxResult(code: KVTransaction.invalidFormatCode, log: "cannot remove a validator that is not in the set")
            }
            updates.record(update)
            let text = String(decoding: tx, as: UTF8.self)
            return TxResult(code: 0, events: events(key: text, value: text))
        }
    }

    /// CometBFT kvstore's per-transaction events: two `app` events, the first naming the key and
    /// the second the value, each with an indexed and an unindexed marker attribute.
    static func events(key: String, value: String) -> [Event] {
        [
            Event(type: "app", attributes: [
                EventAttribute(key: "creator", value: "Cosmoshi Netowoko", index: true),
                EventAttribute(key: "key", value: key, index: true),
                EventAttribute(key: "index_key", value: "index is working", index: true),
                EventAttribute(key: "noindex_key", value: "index is working", index: false),
            ]),
            Event(type: "app", attributes: [
                EventAttribute(key: "creator", value: "Cosmoshi", index: true),
                EventAttribute(key: "key", value: value, index: true),
                EventAttribute(key: "index_key", value: "index is working", index: true),
                EventAttribute(key: "noindex_key", value: "index is working", index: false),
            ]),
        ]
    }
}

/// Validator updates of one block: CometBFT refuses two updates for one key in a block, so a
/// later one replaces the earlier in place; and a key added and removed within the block was
/// never in the node's set, so it drops out instead of becoming a removal the node would refuse.
struct ValidatorUpdates {
    private let initial: [Ed25519PublicKey: Int64]
    private var order: [Ed25519PublicKey] = []
    private var seen: Set<Ed25519PublicKey> = []
    private var latest: [Ed25519PublicKey: ValidatorUpdate] = [:]

    init(initial: [Ed25519PublicKey: Int64]) { self.initial = initial }

    var list: [ValidatorUpdate] { order.compactMap { latest[$0] } }

    mutating func record(_ update: ValidatorUpdate) {
        let key = update.publicKey
        if seen.insert(key).inserted { order.append(key) }
        latest[key] = update.power == 0 && initial[key] == nil ? nil : update
    }
}

public enum KVStoreError: Error, Sendable, Hashable {
    /// `commit` arrived with no finalized block to commit: the node broke the ABCI call order.
    case commitWithoutBlock
}
