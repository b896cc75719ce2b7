import PalisadeABCI
import Testing

// The example from README.md ("Writing an application"), compiled and run so the README stays true.

/// Counts transactions; the app hash is the count, big-endian. Everything not written here uses
/// the `Application` defaults (CometBFT's BaseApplication).
actor CounterApp: Application {
    private var committed: UInt64 = 0
    private var pending: UInt64 = 0
    private var height: Int64 = 0

    func info(_ request: InfoRequest) async throws -> InfoResponse {
        InfoResponse(lastBlockHeight: height, lastBlockAppHash: Self.hash(committed))
    }

    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse {
        request.tx.isEmpty ? CheckTxResponse(code: 1, log: "empty transaction") : CheckTxResponse(code: 0)
    }

    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        pending = committed + UInt64(request.txs.count)
        height = request.height
        return FinalizeBlockResponse(txResults: request.txs.map { _ in TxResult(code: 0) },
                                     appHash: Self.hash(pending))
    }

    func commit() async throws -> CommitResponse {
        committed = pending
        return CommitResponse()
    }

    static func hash(_ count: UInt64) -> Bytes { (0..<8).map { UInt8(truncatingIfNeeded: count >> (56 - 8 * $0)) } }
}

@Suite struct ReadmeCounterAppTests {
    @Test func countsCommittedTransactions() async throws {
        let app = CounterApp()
        #expect(try await app.checkTx(CheckTxRequest(tx: [])).code == 1)
        let block = FinalizeBlockRequest(txs: [[1], [2], [3]], hash: Bytes(repeating: 0, count: 32), height: 1,
                                         time: Timestamp(seconds: 1_700_000_000),
                                         nextValidatorsHash: Bytes(repeating: 0, count: 32),
                                         proposerAddress: Address(bytes: Bytes(repeating: 0, count: 20)))
        let result = try await app.finalizeBlock(block)
        #expect(result.txResults.count == 3)
        #expect(try await app.info(InfoRequest()).lastBlockAppHash == CounterApp.hash(0))
        _ = try await app.commit()
        #expect(try await app.info(InfoRequest()).lastBlockAppHash == CounterApp.hash(3))
    }
}
