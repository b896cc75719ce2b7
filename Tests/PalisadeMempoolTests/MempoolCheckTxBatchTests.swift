import PalisadeABCI
import PalisadeMempool
import Testing

/// `checkTxs` (issue #14 item 2): a batch passes the checks single calls make, the app sees the
/// survivors in input order, outcomes follow the input.
@Suite("Mempool CheckTx batches")
struct MempoolCheckTxBatchTests {
    private let tx = CoinApp.tx

    /// Records the order in which CheckTx sees transactions.
    actor OrderApp: Application {
        private(set) var seen: [Bytes] = []

        func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
            seen.append(request.tx)
            return CheckTxResponse(code: 0)
        }
    }

    @Test func outcomesFollowTheInputAndMatchSingleCalls() async {
        let config = MempoolConfig(maxTxBytes: 64)
        let mempool = Mempool(config: config, app: CoinApp())
        let tooLarge = Bytes(repeating: UInt8(ascii: "x"), count: 65)
        let batch = [tx("a", 2, ""), tx("bad", 1, ""), tooLarge, tx("a", 2, ""), tx("boom", 1, ""), tx("b", 3, "")]
        let outcomes = await mempool.checkTxs(batch)
        #expect(outcomes.count == batch.count)
        #expect(outcomes[0] == .accepted(CheckTxResponse(code: 0, gasWanted: 2)))
        #expect(outcomes[1] == .rejected(.appRejected(code: 2, codespace: "coin", log: "bad coin")))
        #expect(outcomes[2] == .rejected(.txTooLarge(size: 65, max: 64)))
        #expect(outcomes[3] == .rejected(.alreadySeen))
        #expect(outcomes[4].rejection.map { if case .appFailed = $0 { true } else { false } } == true)
        #expect(outcomes[5] == .accepted(CheckTxResponse(code: 0, gasWanted: 3)))
        #expect(await mempool.allTxs() == [tx("a", 2, ""), tx("b", 3, "")])
        // A failed or rejected transaction was not cached: offered again, the app is asked again.
        #expect(await mempool.checkTx(tx("bad", 1, "")).rejection == .appRejected(code: 2, codespace: "coin", log: "bad coin"))
    }

    @Test func theAppSeesTheBatchInOrderAndThePeerIsRecordedAsSender() async {
        let app = OrderApp()
        let mempool = Mempool(app: app)
        let batch = (0..<20).map { tx("c\($0)", 1, "") }
        let outcomes = await mempool.checkTxs(batch, from: "peer1")
        #expect(outcomes.allSatisfy { $0.isAccepted })
        #expect(await app.seen == batch)
        #expect(await mempool.allTxs() == batch)
        #expect(await mempool.senders(of: batch[7]) == ["peer1"])
        // The same batch from a second peer costs no CheckTx and records that peer too.
        let again = await mempool.checkTxs(batch, from: "peer2")
        #expect(again.allSatisfy { $0 == .rejected(.alreadySeen) })
        #expect(await app.seen.count == 20)
        #expect(await mempool.senders(of: batch[7]) == ["peer1", "peer2"])
    }

    @Test func aFullMempoolRefusesTheRestOfTheBatch() async {
        let mempool = Mempool(config: MempoolConfig(size: 3), app: CoinApp())
        let outcomes = await mempool.checkTxs((0..<5).map { tx("f\($0)", 1, "") })
        #expect(outcomes.prefix(3).allSatisfy { $0.isAccepted })
        for outcome in outcomes.dropFirst(3) {
            guard case .rejected(.mempoolIsFull) = outcome else {
                Issue.record("expected mempoolIsFull, got \(outcome)")
                continue
            }
        }
        #expect(await mempool.size == 3)
    }
}
