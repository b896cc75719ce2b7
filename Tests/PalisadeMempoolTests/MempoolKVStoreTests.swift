import PalisadeABCI
import PalisadeApps
import PalisadeMempool
import Testing

/// The mempool in front of the real kvstore app, through one proposer cycle.
@Suite("Mempool with the kvstore")
struct MempoolKVStoreTests {
    @Test func checkReapFinalizeCommitUpdate() async throws {
        let app = KVStoreApplication()
        let mempool = Mempool(app: app)
        let good: [Bytes] = ["a=1", "b=2", "c"].map { Array($0.utf8) }
        for tx in good { #expect(await mempool.checkTx(tx, from: "peer").isAccepted) }
        let malformed = Array("a=b=c".utf8)
        guard case .appRejected(let code, _, _) = await mempool.checkTx(malformed).rejection else {
            Issue.record("malformed tx was not rejected by the app")
            return
        }
        #expect(code == KVTransaction.invalidFormatCode)

        // The kvstore wants 1 gas per tx: a gas limit of 2 takes the first two, in order.
        #expect(await mempool.reap(maxBytes: -1, maxGas: 2) == Array(good.prefix(2)))
        let block = await mempool.reap(maxBytes: -1, maxGas: -1)
        #expect(block == good)

        let result = try await app.finalizeBlock(FinalizeBlockRequest(
            txs: block, hash: Bytes(repeating: 0, count: 32), height: 1, time: Timestamp(seconds: 1_700_000_000),
            nextValidatorsHash: Bytes(repeating: 0, count: 32), proposerAddress: Address(bytes: Bytes(repeating: 0, count: 20))))
        _ = try await app.commit()
        await mempool.update(height: 1, committedTxs: block, results: result.txResults)
        #expect(await mempool.size == 0)
        #expect(await mempool.checkTx(good[0], from: "late-peer") == .rejected(.alreadySeen))
    }
}
