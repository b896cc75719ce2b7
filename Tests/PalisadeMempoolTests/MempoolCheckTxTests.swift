import PalisadeABCI
import PalisadeMempool
import Testing

@Suite("Mempool CheckTx")
struct MempoolCheckTxTests {
    private let tx = CoinApp.tx

    @Test func configDefaultsAreCometBFTs() {
        let config = MempoolConfig.default
        #expect(config.size == 5000)
        #expect(config.maxTxsBytes == 1_073_741_824)
        #expect(config.cacheSize == 10_000)
        #expect(config.maxTxBytes == 1_048_576)
        #expect(!config.keepInvalidTxsInCache)
        #expect(config.recheck)
    }

    @Test func acceptsAValidTxAndReportsTheAppsResponse() async {
        let mempool = Mempool(app: CoinApp())
        let outcome = await mempool.checkTx(tx("a", 7, ""))
        #expect(outcome == .accepted(CheckTxResponse(code: 0, gasWanted: 7)))
        #expect(await mempool.size == 1)
        #expect(await mempool.sizeBytes == Int64(tx("a", 7, "").count))
    }

    @Test func appRejectionCarriesCodeAndIsForgottenByTheCache() async {
        let mempool = Mempool(app: CoinApp())
        let outcome = await mempool.checkTx(tx("bad", 1, ""))
        #expect(outcome == .rejected(.appRejected(code: 2, codespace: "coin", log: "bad coin")))
        #expect(await mempool.size == 0)
        // Not cached: the app is asked again (it could have become valid).
        #expect(await mempool.checkTx(tx("bad", 1, "")).rejection == .appRejected(code: 2, codespace: "coin", log: "bad coin"))
    }

    @Test func keepInvalidTxsInCacheAnswersFromTheCache() async {
        let mempool = Mempool(config: MempoolConfig(keepInvalidTxsInCache: true), app: CoinApp())
        _ = await mempool.checkTx(tx("bad", 1, ""))
        #expect(await mempool.checkTx(tx("bad", 1, "")) == .rejected(.alreadySeen))
    }

    @Test func appErrorIsNamedAndNotCached() async {
        let app = CoinApp()
        let mempool = Mempool(app: app)
        guard case .rejected(.appFailed) = await mempool.checkTx(tx("boom", 1, "")) else {
            Issue.record("expected appFailed")
            return
        }
        _ = await mempool.checkTx(tx("boom", 1, ""))
        #expect(await app.checks.count == 2)
    }

    @Test func rejectsATxOverMaxTxBytes() async {
        let mempool = Mempool(config: MempoolConfig(maxTxBytes: 10), app: CoinApp())
        let big = tx("a", 1, "0123456789")
        #expect(await mempool.checkTx(big) == .rejected(.txTooLarge(size: big.count, max: 10)))
        #expect(await mempool.checkTx(tx("a", 1, "")).isAccepted)
    }

    @Test func rejectsWhenCountIsAtSize() async {
        let mempool = Mempool(config: MempoolConfig(size: 2), app: CoinApp())
        #expect(await mempool.checkTx(tx("a", 1, "")).isAccepted)
        #expect(await mempool.checkTx(tx("b", 1, "")).isAccepted)
        let third = tx("c", 1, "")
        #expect(await mempool.checkTx(third)
            == .rejected(.mempoolIsFull(count: 2, maxCount: 2, bytes: 8, maxBytes: 1_073_741_824)))
        // Not cached: once there is room it can come in.
        await mempool.update(height: 1, committedTxs: [tx("a", 1, "")], results: [TxResult(code: 0)])
        #expect(await mempool.checkTx(third).isAccepted)
    }

    @Test func rejectsWhenBytesWouldPassMaxTxsBytes() async {
        let mempool = Mempool(config: MempoolConfig(maxTxsBytes: 12), app: CoinApp())
        #expect(await mempool.checkTx(tx("a", 1, "")).isAccepted)  // 4 bytes
        #expect(await mempool.checkTx(tx("b", 1, "1234")).isAccepted)  // 8 bytes, total exactly 12
        #expect(await mempool.checkTx(tx("c", 1, "")).rejection
            == .mempoolIsFull(count: 2, maxCount: 5000, bytes: 12, maxBytes: 12))
    }

    @Test func duplicateFromASecondPeerIsRecordedAsASender() async {
        let app = CoinApp()
        let mempool = Mempool(app: app)
        let t = tx("a", 1, "")
        #expect(await mempool.checkTx(t, from: "peer1").isAccepted)
        #expect(await mempool.checkTx(t, from: "peer2") == .rejected(.alreadySeen))
        #expect(await mempool.checkTx(t) == .rejected(.alreadySeen))
        #expect(await mempool.senders(of: t) == ["peer1", "peer2"])
        #expect(await app.checks.count == 1)
    }

    @Test func cacheEvictionLetsAnOldTxBackIn() async {
        let mempool = Mempool(config: MempoolConfig(cacheSize: 2), app: CoinApp())
        let old = tx("a", 1, "")
        #expect(await mempool.checkTx(old).isAccepted)
        await mempool.update(height: 1, committedTxs: [old], results: [TxResult(code: 0)])
        #expect(await mempool.checkTx(old) == .rejected(.alreadySeen))  // committed, still cached
        #expect(await mempool.checkTx(tx("b", 1, "")).isAccepted)
        #expect(await mempool.checkTx(tx("c", 1, "")).isAccepted)  // evicts `old`
        #expect(await mempool.checkTx(old).isAccepted)
    }

    @Test func flushEmptiesMempoolAndCache() async {
        let mempool = Mempool(app: CoinApp())
        let t = tx("a", 1, "")
        _ = await mempool.checkTx(t)
        await mempool.flush()
        #expect(await mempool.size == 0)
        #expect(await mempool.sizeBytes == 0)
        #expect(await mempool.checkTx(t).isAccepted)
    }

    @Test func concurrentCheckTxKeepsCountsConsistent() async {
        let mempool = Mempool(config: MempoolConfig(size: 300), app: CoinApp())
        // 500 distinct txs, each offered by two tasks: exactly 300 fit, every duplicate is seen.
        let outcomes = await withTaskGroup(of: CheckTxOutcome.self, returning: [CheckTxOutcome].self) { group in
            for n in 0..<1000 {
                group.addTask { await mempool.checkTx(CoinApp.tx("c\(n % 500)", gas: 1), from: "peer\(n)") }
            }
            var all: [CheckTxOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let accepted = outcomes.filter(\.isAccepted).count
        #expect(accepted == 300)
        #expect(await mempool.size == 300)
        let txs: [Bytes] = await mempool.allTxs()
        #expect(Set(txs).count == 300)
        let totalBytes = txs.reduce(0) { $0 + Int64($1.count) }
        #expect(await mempool.sizeBytes == totalBytes)
        for outcome in outcomes where !outcome.isAccepted {
            switch outcome.rejection {
            case .alreadySeen, .mempoolIsFull: break
            default: Issue.record("unexpected \(outcome)")
            }
        }
    }

    @Test func txsAvailableFiresOncePerHeight() async {
        let mempool = Mempool(app: CoinApp(), height: 4)
        _ = await mempool.checkTx(tx("a", 1, ""))
        _ = await mempool.checkTx(tx("b", 1, ""))
        var iterator = mempool.txsAvailable.makeAsyncIterator()
        #expect(await iterator.next() == 5)
        await mempool.update(height: 5, committedTxs: [tx("a", 1, "")], results: [])
        #expect(await iterator.next() == 6)  // "b" is still waiting for height 6
    }
}
