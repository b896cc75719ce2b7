import PalisadeABCI
import PalisadeMempool
import Testing

@Suite("Mempool reap and update")
struct MempoolReapUpdateTests {
    private let tx = CoinApp.tx

    private func filled(_ txs: [Bytes], app: CoinApp = CoinApp(), config: MempoolConfig = .default) async -> Mempool {
        let mempool = Mempool(config: config, app: app)
        for t in txs { #expect(await mempool.checkTx(t).isAccepted) }
        return mempool
    }

    @Test func protoSizeCountsTagAndVarintLength() {
        #expect(Mempool.protoSize(of: []) == 2)
        #expect(Mempool.protoSize(of: Bytes(repeating: 0, count: 127)) == 129)
        #expect(Mempool.protoSize(of: Bytes(repeating: 0, count: 128)) == 131)
    }

    @Test func reapByBytesKeepsOrderAndStopsAtTheFirstThatDoesNotFit() async {
        let small1 = tx("a", 1, ""), big = tx("b", 1, "0123456789"), small2 = tx("c", 1, "")
        let mempool = await filled([small1, big, small2])
        let firstTwo = Mempool.protoSize(of: small1) + Mempool.protoSize(of: big)
        #expect(await mempool.reap(maxBytes: firstTwo, maxGas: -1) == [small1, big])
        // One byte short for `big`: stop there, even though `small2` would fit.
        #expect(await mempool.reap(maxBytes: firstTwo - 1, maxGas: -1) == [small1])
        #expect(await mempool.reap(maxBytes: -1, maxGas: -1) == [small1, big, small2])
        #expect(await mempool.reap(maxBytes: 0, maxGas: -1) == [])
        #expect(await mempool.size == 3)  // reaping removes nothing
    }

    @Test func reapByGasStopsAtTheFirstThatDoesNotFit() async {
        let a = tx("a", 3, ""), b = tx("b", 5, ""), c = tx("c", 1, "")
        let mempool = await filled([a, b, c])
        #expect(await mempool.reap(maxBytes: -1, maxGas: 8) == [a, b])
        #expect(await mempool.reap(maxBytes: -1, maxGas: 7) == [a])
        #expect(await mempool.reap(maxBytes: -1, maxGas: 9) == [a, b, c])
        #expect(await mempool.reap(maxBytes: -1, maxGas: 0) == [])
    }

    @Test func reapByCount() async {
        let txs = (0..<5).map { tx("c\($0)", 1, "") }
        let mempool = await filled(txs)
        #expect(await mempool.reap(maxTxs: 2) == Array(txs.prefix(2)))
        #expect(await mempool.reap(maxTxs: -1) == txs)
        #expect(await mempool.reap(maxTxs: 99) == txs)
        #expect(await mempool.reap(maxTxs: 0) == [])
    }

    @Test func updateRemovesCommittedTxsFromTheMiddle() async {
        let txs = (0..<5).map { tx("c\($0)", 1, "") }
        let mempool = await filled(txs)
        await mempool.update(height: 1, committedTxs: [txs[1], txs[3]], results: [TxResult(), TxResult()])
        #expect(await mempool.reap(maxTxs: -1) == [txs[0], txs[2], txs[4]])
        #expect(await mempool.sizeBytes == Int64([txs[0], txs[2], txs[4]].map(\.count).reduce(0, +)))
        #expect(await mempool.checkTx(txs[1]) == .rejected(.alreadySeen))
    }

    @Test func failedCommittedTxIsForgottenByTheCache() async {
        let t = tx("a", 1, "")
        let mempool = await filled([t])
        await mempool.update(height: 1, committedTxs: [t], results: [TxResult(code: 9)])
        #expect(await mempool.checkTx(t).isAccepted)
    }

    @Test func recheckDropsATxMadeInvalidByACommittedOne() async {
        let app = CoinApp()
        let spend1 = tx("coin", 1, "first"), spend2 = tx("coin", 1, "second"), other = tx("x", 1, "")
        let mempool = await filled([spend1, spend2, other], app: app)
        await app.commit(spending: ["coin"])
        await mempool.update(height: 1, committedTxs: [spend1], results: [TxResult()])
        #expect(await mempool.reap(maxTxs: -1) == [other])
        #expect(await app.checks.suffix(2) == [.recheck, .recheck])
        // The dropped tx is not cached (keep-invalid off), so it reaches the app again.
        #expect(await mempool.checkTx(spend2).rejection == .appRejected(code: 3, codespace: "", log: "spent"))
    }

    @Test func recheckOffKeepsEverything() async {
        let app = CoinApp()
        let spend1 = tx("coin", 1, "first"), spend2 = tx("coin", 1, "second")
        let mempool = await filled([spend1, spend2], app: app, config: MempoolConfig(recheck: false))
        await app.commit(spending: ["coin"])
        await mempool.update(height: 1, committedTxs: [spend1], results: [TxResult()])
        #expect(await mempool.reap(maxTxs: -1) == [spend2])
        #expect(await app.checks == [.new, .new])
    }

    @Test func tenThousandTxsInAndReaped() async {
        let txs = (0..<10_000).map { tx("c\($0)", 1, "") }
        let mempool = await filled(txs, config: MempoolConfig(size: 10_000, cacheSize: 10_000))
        #expect(await mempool.size == 10_000)
        #expect(await mempool.checkTx(tx("one-more", 1, "")).rejection
            == .mempoolIsFull(count: 10_000, maxCount: 10_000, bytes: Int64(txs.map(\.count).reduce(0, +)),
                              maxBytes: 1_073_741_824))
        let reaped = await mempool.reap(maxBytes: -1, maxGas: -1)
        #expect(reaped == txs)
        #expect(await mempool.reap(maxBytes: -1, maxGas: 100) == Array(txs.prefix(100)))
        await mempool.update(height: 1, committedTxs: reaped, results: [])
        #expect(await mempool.size == 0)
        #expect(await mempool.sizeBytes == 0)
    }
}
