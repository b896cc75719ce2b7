import PalisadeABCI
import PalisadeMempool
import Testing

/// Calls that arrive while a CheckTx is still with the app.
@Suite("Mempool interleaving")
struct MempoolInterleavingTests {
    private let t = Bytes("tx".utf8)

    @Test func duplicateWhileFirstIsWithTheAppIsSeenAndItsSenderKept() async {
        let app = GateApp()
        let mempool = Mempool(app: app)
        let first = Task { await mempool.checkTx(Bytes("tx".utf8), from: "peer1") }
        await app.waitForCalls(1)
        #expect(await mempool.checkTx(t, from: "peer2") == .rejected(.alreadySeen))
        await app.releaseAll()
        #expect(await first.value.isAccepted)
        #expect(await mempool.senders(of: t) == ["peer1", "peer2"])
        #expect(await app.calls == 1)
    }

    @Test func duplicateWhileInFlightIsSeenEvenWithTheCacheOff() async {
        let app = GateApp()
        let mempool = Mempool(config: MempoolConfig(cacheSize: 0), app: app)
        let first = Task { await mempool.checkTx(Bytes("tx".utf8)) }
        await app.waitForCalls(1)
        #expect(await mempool.checkTx(t) == .rejected(.alreadySeen))
        await app.releaseAll()
        #expect(await first.value.isAccepted)
        #expect(await mempool.size == 1)
    }

    @Test func txCommittedWhileItsCheckTxWaitsDoesNotEnter() async {
        let app = GateApp()
        let mempool = Mempool(app: app)
        let first = Task { await mempool.checkTx(Bytes("tx".utf8)) }
        await app.waitForCalls(1)
        await mempool.update(height: 1, committedTxs: [t], results: [TxResult()])
        await app.releaseAll()
        #expect(await first.value == .rejected(.alreadySeen))
        #expect(await mempool.size == 0)
    }
}
