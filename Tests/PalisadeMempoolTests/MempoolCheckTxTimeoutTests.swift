import PalisadeABCI
import PalisadeMempool
import Synchronization
import Testing

/// An app whose CheckTx never answers (and ignores cancellation) does not hold the mempool: each
/// call is refused once `checkTxTimeout` passes, and a recheck ends at the first such call. The
/// time limit only guards the test run; without the bound every call here would wait for ever.
@Suite("Mempool CheckTx timeout", .timeLimit(.minutes(1)))
struct MempoolCheckTxTimeoutTests {
    static let config = MempoolConfig(checkTxTimeout: .milliseconds(100))

    @Test func aHungCheckTxRefusesTheTransactionWithAnError() async {
        let app = HungApp()
        let mempool = Mempool(config: Self.config, app: app)
        let outcome = await mempool.checkTx(Bytes("k=v".utf8))
        guard case .rejected(.appFailed(let reason)) = outcome else {
            Issue.record("expected appFailed, got \(outcome)")
            return
        }
        #expect(reason.contains("did not answer within"))
        #expect(await mempool.size == 0)
        // Not remembered as seen: once the app answers again, the same transaction gets in.
        app.answerFromNowOn()
        #expect(await mempool.checkTx(Bytes("k=v".utf8)).isAccepted)
    }

    @Test func aRecheckEndsAtTheFirstCallThatTimesOut() async {
        let app = HungApp()
        app.answerFromNowOn()
        let mempool = Mempool(config: Self.config, app: app)
        for index in 0..<20 { _ = await mempool.checkTx(Bytes("k\(index)=v".utf8)) }
        #expect(await mempool.size == 20)
        app.hangFromNowOn()
        await mempool.update(height: 1, committedTxs: [], results: [])
        // One recheck call hung and ended the recheck; the waiting transactions are kept.
        #expect(app.hungCalls == 1)
        #expect(await mempool.size == 20)
    }
}

/// CheckTx that, while hanging, never returns and ignores cancellation.
final class HungApp: Application, Sendable {
    private struct State {
        var hanging = true
        var hungCalls = 0
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var hungCalls: Int { state.withLock { $0.hungCalls } }
    func answerFromNowOn() { state.withLock { $0.hanging = false } }
    func hangFromNowOn() { state.withLock { $0.hanging = true } }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        let hangs = state.withLock { state in
            if state.hanging { state.hungCalls += 1 }
            return state.hanging
        }
        if hangs { await withCheckedContinuation { continuation in state.withLock { $0.held.append(continuation) } } }
        return CheckTxResponse(code: 0)
    }
}
