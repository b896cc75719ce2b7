import PalisadeABCI

/// CometBFT's example key-value store as a Palisade `Application`: the app e2e tests and the
/// quick start run. Transactions are described in `KVTransaction`; the app hash is the root of
/// the state's `SparseMerkleTree` (`KVTreeLayout` says what its leaves are).
///
/// Memory holds the committed head, the validator set and a bounded node cache; pairs and tree
/// nodes are read from the store. `finalizeBlock` gathers the block's writes and updates the
/// tree for them alone (O(k log n) for k writes), keeping the result as `pending`; `commit`
/// writes it to the store in one transaction and only then makes it the committed state.
/// `checkTx` and `query` read only the committed state, so they never see a block in progress.
public actor KVStoreApplication: Application {
    /// The `app_version` CometBFT's kvstore reports.
    public static let appVersion: UInt64 = 1
    /// A query for a height other than the last committed one: only that state is kept.
    /// (CometBFT's kvstore ignores `height`; answering from another height than asked would
    /// hand a client a proof against the wrong app hash.)
    public static let heightUnavailableCode: UInt32 = 4

    public internal(set) var head: KVHead
    public internal(set) var validators: [Ed25519PublicKey: Int64]
    /// Where the committed state lives; the simulator snapshots an in-memory one.
    public nonisolated let store: any KVStateStore
    let nodes: SMTNodeCache
    private var pending: (batch: KVCommitBatch, validators: [Ed25519PublicKey: Int64])?
    /// Takes, writes and keeps this app's snapshots; nil: it takes none (and serves none).
    public internal(set) var snapshots: SnapshotTaker?
    /// A state-sync restore in progress (between OfferSnapshot and its last chunk).
    var restoring: KVSnapshotRestore?
    /// Blocks the node should keep (CometBFT kvstore's `RetainBlocks`); 0 keeps every block.
    public private(set) var retainBlocks: Int64 = 0

    /// An app over an in-memory store (a fresh, empty one by default), resumed from its contents.
    public init(store: InMemoryKVStateStore = InMemoryKVStateStore()) {
        self.init(store: store, head: store.head() ?? .empty, validators: store.validators())
    }

    private init(store: any KVStateStore, head: KVHead, validators: [Ed25519PublicKey: Int64]) {
        self.store = store
        self.head = head
        self.validators = validators
        nodes = SMTNodeCache { key in try store.node(key) }
    }

    /// An app resumed from the store's last committed state (or empty, for a fresh store).
    public static func restore(from store: any KVStateStore) async throws -> KVStoreApplication {
        KVStoreApplication(store: store, head: try store.head() ?? .empty, validators: try store.validators())
    }

    /// The app hash of the committed state.
    public var appHash: Bytes { head.appHash }

    /// A committed pair, read from the store.
    public func value(forKey key: Bytes) throws -> Bytes? {
        try store.value(forKey: key)
    }

    public func info(_ request: InfoRequest) async throws -> InfoResponse {
        InfoResponse(data: "{\"size\":\(head.size)}", appVersion: Self.appVersion,
                     lastBlockHeight: head.height, lastBlockAppHash: head.height == 0 ? [] : head.appHash)
    }

    /// Records the genesis validators and commits them at height 0 (a repeated InitChain, after
    /// a crash before the first block, replaces the set); the returned hash covers them.
    public func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        var writes = KVBlockWrites(size: head.size, validators: [:])
        for update in request.validators { _ = writes.apply(update) }
        let batch = try writes.batch(height: head.height, root: head.root, committedValidators: validators, nodes: nodes)
        try save(batch, validators: writes.validators)
        return InitChainResponse(appHash: head.appHash)
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

    /// Executes the block against the committed state. A duplicate-vote offender known to the
    /// set loses 1 power (CometBFT kvstore's punishment); validator txs and that penalty come
    /// back as one update per key, last write winning, in first-seen order. A second
    /// FinalizeBlock before Commit replaces the first's pending result.
    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        var writes = KVBlockWrites(size: head.size, validators: validators)
        var updates = ValidatorUpdates(initial: validators)
        for offence in request.misbehavior where offence.type == .duplicateVote {
            if let key = writes.validatorKey(for: offence.address), let power = writes.validators[key] {
                let update = ValidatorUpdate(publicKey: key, power: power - 1)
                _ = writes.apply(update)
                updates.record(update)
            }
        }
        var results: [TxResult] = []
        results.reserveCapacity(request.txs.count)
        for tx in request.txs {
            results.append(Self.execute(tx, on: &writes, updates: &updates))
        }
        let batch = try writes.batch(height: request.height, root: head.root, committedValidators: validators, nodes: nodes)
        pending = (batch, writes.validators)
        return FinalizeBlockResponse(txResults: results, validatorUpdates: updates.list, appHash: batch.head.appHash)
    }

    /// Writes the last finalized block to the store, then makes it the committed state. With
    /// `retainBlocks` set, asks the node to keep only that many blocks, as CometBFT's kvstore
    /// does: `retain_height = height - retainBlocks + 1` once the chain is that long.
    public func commit() async throws -> CommitResponse {
        guard let pending else { throw KVStoreError.commitWithoutBlock }
        try save(pending.batch, validators: pending.validators)
        self.pending = nil
        await takeSnapshotIfDue()
        guard retainBlocks > 0, head.height >= retainBlocks else { return CommitResponse() }
        return CommitResponse(retainHeight: head.height - retainBlocks + 1)
    }

    /// Sets `retainBlocks` (`[kvstore] retain_blocks`, `palisade app kvstore --retain-blocks`).
    public func retain(blocks: Int64) {
        retainBlocks = max(0, blocks)
    }

    func save(_ batch: KVCommitBatch, validators: [Ed25519PublicKey: Int64]) throws {
        try store.commit(batch)
        nodes.apply(batch.tree)
        head = batch.head
        self.validators = validators
    }

    /// `data` is the key (path ignored, as CometBFT's kvstore does for anything but `/val`);
    /// `/val` looks up a validator by its raw 32-byte public key and answers its power in decimal.
    ///
    /// `height` 0 means the last committed state; any other height must be that state's (the
    /// only one kept), else the answer is `heightUnavailableCode`. The response's `height` is
    /// the height of the state answered from. With `prove`, a key query carries one
    /// `KVStoreProof` op proving the value (or its absence) against that state's app hash,
    /// which is the `app_hash` of the header at `height + 1`. `/val` answers carry no proof.
    public func query(_ request: QueryRequest) async throws -> QueryResponse {
        guard request.height == 0 || request.height == head.height else {
            return QueryResponse(code: Self.heightUnavailableCode,
                                 log: "height \(request.height) is not available: only the last committed height \(head.height) is kept",
                                 key: request.data, height: head.height)
        }
        let value: Bytes?
        var proofOps: [ProofOp] = []
        if request.path == "/val" {
            value = Ed25519PublicKey(bytes: request.data).flatMap { validators[$0] }.map { Array(String($0).utf8) }
        } else {
            value = try store.value(forKey: request.data)
            if request.prove {
                let proof = try SparseMerkleTree.prove(path: KVTreeLayout.path(forKey: request.data), root: head.root, reader: nodes)
                proofOps = [KVStoreProof.op(key: request.data, proof: proof)]
            }
        }
        return QueryResponse(code: 0, log: value == nil ? "does not exist" : "exists", index: request.prove ? -1 : 0,
                             key: request.data, value: value ?? [], proofOps: proofOps, height: head.height)
    }

    static func execute(_ tx: Bytes, on state: inout KVBlockWrites, updates: inout ValidatorUpdates) -> TxResult {
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
