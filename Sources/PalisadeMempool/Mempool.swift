import PalisadeABCI

/// Transactions checked by the app and waiting for a block, in arrival order (CometBFT's FIFO
/// "clist" mempool). Clients and peers feed it through `checkTx`; the proposer takes from the
/// front with `reap`; after each commit `update` drops what the block included and re-checks the
/// rest against the new state.
///
/// An actor, so `checkTx` calls from the RPC and from every peer's connection interleave safely;
/// each one awaits the app, so the limits are tested again after the app answers. The consensus
/// shell awaits `update` before it reaps for the next height, as CometBFT holds the mempool lock
/// through Update and the recheck.
public actor Mempool {
    /// One waiting transaction and what gossip needs to know about it.
    struct Entry: Sendable {
        let tx: Bytes
        /// The height of the last block committed when it was admitted.
        let height: Int64
        let gasWanted: Int64
        /// Peers known to have it already (it came from them), so gossip does not send it back.
        var senders: Set<String>
    }

    public nonisolated let config: MempoolConfig
    private let app: any Application
    var txs = LinkedKeyList<TxKey, Entry>()
    private var cache: TxCache
    /// Raw bytes of all waiting transactions, the quantity `max_txs_bytes` bounds.
    public private(set) var sizeBytes: Int64 = 0
    /// The last committed height, as last told by `update`.
    public private(set) var height: Int64
    /// Transactions of the last committed block: one admitted by a CheckTx that was still waiting
    /// on the app while that block committed must not enter after it.
    private var lastCommitted: Set<TxKey> = []
    /// Transactions whose first CheckTx is still with the app, and the peers that sent them
    /// meanwhile: a copy arriving then is a duplicate, and its sender must not get it back.
    private var inFlight: [TxKey: Set<String>] = [:]
    private var notifiedTxsAvailable = false
    private let txsAvailableContinuation: AsyncStream<Int64>.Continuation

    /// Yields a height once the mempool holds transactions that a block at that height could
    /// include: at most once per height, so the consensus shell (with `create_empty_blocks`
    /// off) can wait for it instead of polling. Only the newest value is kept.
    public nonisolated let txsAvailable: AsyncStream<Int64>

    public init(config: MempoolConfig = .default, app: any Application, height: Int64 = 0) {
        self.config = config
        self.app = app
        self.height = height
        cache = TxCache(capacity: config.cacheSize)
        (txsAvailable, txsAvailableContinuation) = AsyncStream.makeStream(of: Int64.self,
                                                                          bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        txsAvailableContinuation.finish()
    }

    /// How many transactions wait.
    public var size: Int { txs.count }

    public func contains(_ tx: Bytes) -> Bool { txs.contains(TxKey(tx: tx)) }

    /// Peers that already have `tx` (it reached us from them); empty when it is not waiting.
    public func senders(of tx: Bytes) -> Set<String> { txs[TxKey(tx: tx)]?.senders ?? [] }

    /// All waiting transactions, oldest first: what the gossip loop walks.
    public func allTxs() -> [Bytes] { txs.elements.map(\.value.tx) }

    /// Offers a transaction from a client (`peer` nil) or a peer. Checks, in order: size, room,
    /// the seen-cache, then the app. The cache is written before the app is asked, so the same
    /// transaction arriving from a second peer meanwhile is answered `.alreadySeen` and costs
    /// no second CheckTx.
    public func checkTx(_ tx: Bytes, from peer: String? = nil) async -> CheckTxOutcome {
        await checkTxs([tx], from: peer).first ?? .rejected(.appFailed("no outcome"))
    }

    /// Offers the transactions of one source at once (a peer's `Txs` message, a burst of client
    /// submissions): one hop onto the mempool and one deadline for the batch instead of one per
    /// transaction (issue #14 item 2). Each passes the checks `checkTx` makes, in input order;
    /// the app is asked about the survivors in that order, one after the other, so an app whose
    /// CheckTx depends on order (nonces) sees what it would have seen from single calls. A copy
    /// of an earlier transaction of the same batch is `.alreadySeen`. Outcomes follow the input.
    public func checkTxs(_ batch: [Bytes], from peer: String? = nil) async -> [CheckTxOutcome] {
        var outcomes = [CheckTxOutcome?](repeating: nil, count: batch.count)
        var asked: [(index: Int, key: TxKey)] = []
        for (index, tx) in batch.enumerated() {
            guard tx.count <= config.maxTxBytes else {
                outcomes[index] = .rejected(.txTooLarge(size: tx.count, max: config.maxTxBytes))
                continue
            }
            if let full = fullness(adding: tx.count) {
                outcomes[index] = .rejected(full)
                continue
            }
            let key = TxKey(tx: tx)
            if txs.contains(key) || inFlight[key] != nil || !cache.push(key) {
                if let peer { recordSender(peer, of: key) }
                outcomes[index] = .rejected(.alreadySeen)
                continue
            }
            inFlight[key] = peer.map { [$0] } ?? []
            asked.append((index, key))
        }
        if !asked.isEmpty {
            let startHeight = height
            let requests = asked.map { CheckTxRequest(tx: batch[$0.index], type: .new) }
            let answers = await PalisadeMempool.checkTxs(requests, on: app, within: config.checkTxTimeout)
            for (position, (index, key)) in asked.enumerated() {
                let answer = position < answers.count ? answers[position]
                    : .failure(CheckTxTimedOut(timeout: config.checkTxTimeout))
                outcomes[index] = settle(batch[index], key: key, answer: answer, startHeight: startHeight)
            }
        }
        return outcomes.map { $0 ?? .rejected(.appFailed("no outcome")) }
    }

    /// What the app's answer makes of a transaction it was asked about while the mempool went on
    /// serving other calls: the room, the mempool and the height may differ from before.
    private func settle(_ tx: Bytes, key: TxKey, answer: Result<CheckTxResponse, any Error>,
                        startHeight: Int64) -> CheckTxOutcome {
        let senders = inFlight.removeValue(forKey: key) ?? []
        let response: CheckTxResponse
        switch answer {
        case .success(let value):
            response = value
        case .failure(let error):
            cache.remove(key)
            return .rejected(.appFailed(String(describing: error)))
        }
        guard response.isOK else {
            if !config.keepInvalidTxsInCache { cache.remove(key) }
            return .rejected(.appRejected(code: response.code, codespace: response.codespace, log: response.log))
        }
        if height != startHeight, lastCommitted.contains(key) { return .rejected(.alreadySeen) }
        if let full = fullness(adding: tx.count) {
            cache.remove(key)
            return .rejected(full)
        }
        txs.append(key, Entry(tx: tx, height: height, gasWanted: response.gasWanted, senders: senders))
        sizeBytes += Int64(tx.count)
        notifyTxsAvailable()
        return .accepted(response)
    }

    private func recordSender(_ peer: String, of key: TxKey) {
        if !txs.update(key, { $0.senders.insert(peer) }) {
            inFlight[key]?.insert(peer)
        }
    }

    /// The rejection for a mempool that cannot take `txSize` more bytes, if any (CometBFT's
    /// `isFull`: count at `size`, or bytes past `max_txs_bytes`).
    private func fullness(adding txSize: Int) -> MempoolRejection? {
        guard txs.count >= config.size || sizeBytes + Int64(txSize) > config.maxTxsBytes else { return nil }
        return .mempoolIsFull(count: txs.count, maxCount: config.size, bytes: sizeBytes, maxBytes: config.maxTxsBytes)
    }

    private func notifyTxsAvailable() {
        guard !notifiedTxsAvailable, !txs.isEmpty else { return }
        notifiedTxsAvailable = true
        txsAvailableContinuation.yield(height + 1)
    }

    /// Empties the mempool and forgets every seen hash (CometBFT's `Flush`, for `unsafe_flush_mempool`).
    public func flush() {
        txs.removeAll()
        sizeBytes = 0
        cache.reset()
        lastCommitted = []
    }
}

extension Mempool {
    /// After block `height` committed: drops its transactions from the mempool, remembers the
    /// successful ones in the cache (peers still gossip them), forgets failed ones unless
    /// `keep-invalid-txs-in-cache`, then, with `recheck` on, asks the app again about every
    /// transaction left and drops those it now rejects (one spending what the block spent).
    /// `results[i]` is the block's result for `committedTxs[i]`; a missing result counts as success.
    /// Returns how many transactions were rechecked (CometBFT's `recheck_times` counts them).
    @discardableResult
    public func update(height: Int64, committedTxs: [Bytes], results: [TxResult]) async -> Int {
        self.height = height
        notifiedTxsAvailable = false
        var committed: Set<TxKey> = []
        for (index, tx) in committedTxs.enumerated() {
            let key = TxKey(tx: tx)
            committed.insert(key)
            let ok = index < results.count ? results[index].code == 0 : true
            if ok {
                cache.push(key)
            } else if !config.keepInvalidTxsInCache {
                cache.remove(key)
            }
            remove(key)
        }
        lastCommitted = committed
        let rechecked = config.recheck ? await recheckAll() : 0
        notifyTxsAvailable()
        return rechecked
    }

    /// CheckTx(`.recheck`) on each waiting transaction, oldest first. A transaction that another
    /// call removed meanwhile is skipped; an app that throws keeps the transaction (the app is
    /// failing, not the transaction; the node's app-error handling decides what happens next).
    /// One that does not answer within `checkTxTimeout` ends the recheck: a hung app would
    /// otherwise cost that long per waiting transaction, and the next height waits for this.
    /// Returns how many answered.
    private func recheckAll() async -> Int {
        var rechecked = 0
        for (key, entry) in txs.elements {
            guard txs.contains(key) else { continue }
            let response: CheckTxResponse
            do {
                response = try await PalisadeMempool.checkTx(CheckTxRequest(tx: entry.tx, type: .recheck), on: app,
                                                             within: config.checkTxTimeout)
            } catch is CheckTxTimedOut {
                return rechecked
            } catch {
                continue
            }
            rechecked += 1
            if !response.isOK {
                remove(key)
                if !config.keepInvalidTxsInCache { cache.remove(key) }
            }
        }
        return rechecked
    }

    private func remove(_ key: TxKey) {
        if let entry = txs.remove(key) { sizeBytes -= Int64(entry.tx.count) }
    }
}
