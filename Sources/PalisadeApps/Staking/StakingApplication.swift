import PalisadeABCI

/// A small proof-of-stake application: accounts with balances, validators whose voting power is
/// the stake their owners bonded, and slashing of double-signers. `StakingGuide` describes the
/// genesis format, the transactions and the rules; this actor wires them to ABCI.
///
/// Three copies of the state, as in CometBFT apps: `committed` (what `query` and `info` read),
/// `pending` (the block being finalized, until `commit`) and `checkState` (committed plus the
/// transactions the mempool admitted since, so one account can queue several transactions).
public actor StakingApplication: Application {
    public static let appVersion: UInt64 = 1

    public internal(set) var committed: StakingState
    var pending: StakingState?
    var checkState: StakingState
    let store: StakingStore?
    /// Takes, writes and keeps this app's snapshots; nil: it takes none (and serves none).
    public internal(set) var snapshots: SnapshotTaker?
    /// A state-sync restore in progress (between OfferSnapshot and its last chunk).
    var restoring: StakingSnapshotRestore?

    /// An app starting from `state` (empty: it waits for InitChain), saving each commit to `store`.
    public init(state: StakingState = StakingState(), store: StakingStore? = nil) {
        committed = state
        checkState = state
        self.store = store
    }

    /// Resumes from the store's last committed state, or starts empty for a new file.
    public static func restore(from store: StakingStore) async throws -> StakingApplication {
        StakingApplication(state: try await store.load() ?? StakingState(), store: store)
    }

    /// The app `palisade start` runs for `proxy_app = "staking"`: state in the SQLite file at
    /// `databasePath` (created when missing), resumed from its last commit.
    public static func open(databasePath: String) async throws -> StakingApplication {
        try await restore(from: StakingStore(path: databasePath))
    }

    public func info(_ request: InfoRequest) async throws -> InfoResponse {
        InfoResponse(data: "{\"accounts\":\(committed.accounts.count),\"validators\":\(committed.validators.count)}",
                     appVersion: Self.appVersion, lastBlockHeight: committed.height,
                     lastBlockAppHash: committed.height == 0 ? [] : committed.appHash)
    }

    /// Builds the genesis state from `app_state` and the genesis validators (kept as they are:
    /// their powers are the bonded stakes). A bad `app_state` throws, which halts the node with
    /// the field at fault.
    public func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        let state = try StakingGenesis.state(chainID: request.chainID, appState: request.appStateBytes, validators: request.validators)
        committed = state
        checkState = state
        return InitChainResponse(appHash: state.appHash)
    }

    /// Admits a transaction only if it would succeed now, on top of those admitted before it.
    public func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        do throws(StakingError) {
            let tx = try StakingTx.decode(request.tx)
            _ = try checkState.check(tx, at: checkState.height + 1)
            return CheckTxResponse(code: 0, gasWanted: 1)
        } catch {
            return CheckTxResponse(code: error.code, log: error.description)
        }
    }

    /// Punishes the block's misbehavior first (CometBFT apps handle evidence before the
    /// transactions), then runs the transactions in order, then reports each validator whose
    /// power changed.
    public func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        var state = committed
        var blockEvents: [Event] = []
        for misbehavior in request.misbehavior {
            blockEvents += state.punish(misbehavior, at: request.height)
        }
        var results: [TxResult] = []
        results.reserveCapacity(request.txs.count)
        for bytes in request.txs {
            do throws(StakingError) {
                let tx = try StakingTx.decode(bytes)
                results.append(TxResult(code: 0, gasWanted: 1, gasUsed: 1, events: try state.deliver(tx, at: request.height)))
            } catch {
                results.append(TxResult(code: error.code, log: error.description, gasWanted: 1))
            }
        }
        state.height = request.height
        pending = state
        return FinalizeBlockResponse(events: blockEvents, txResults: results,
                                     validatorUpdates: state.validatorUpdates(since: committed.validators), appHash: state.appHash)
    }

    /// Saves the finalized block's state (one SQLite transaction), then shows it to queries and
    /// restarts the mempool's view from it (the node rechecks what is left in the mempool).
    public func commit() async throws -> CommitResponse {
        guard let pending else { throw StakingApplicationError.commitWithoutBlock }
        try await store?.save(pending)
        committed = pending
        checkState = pending
        self.pending = nil
        await takeSnapshotIfDue()
        return CommitResponse()
    }

    /// `/account/<hex address>`, `/validator/<hex address>` and `/supply`, answered as JSON.
    public func query(_ request: QueryRequest) async throws -> QueryResponse {
        StakingQuery.answer(request, state: committed)
    }
}

public enum StakingApplicationError: Error, Sendable, Hashable {
    /// `commit` arrived with no finalized block to commit: the node broke the ABCI call order.
    case commitWithoutBlock
}
