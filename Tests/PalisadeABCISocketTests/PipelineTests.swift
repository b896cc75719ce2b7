import PalisadeABCI
import PalisadeABCISocket
import Testing

@Suite("ABCI socket: pipelined CheckTx")
struct PipelineTests {
    static func tx(_ i: Int) -> Bytes { [UInt8(i % 251), UInt8(i >> 8), UInt8(i & 0xFF)] }

    /// A batch is written before any answer is read; each response still pairs with its request.
    @Test func batchResponsesComeBackInRequestOrder() async throws {
        let (server, client) = try await connectedPair(EchoTxApplication())
        let requests = (0..<2000).map { CheckTxRequest(tx: Self.tx($0)) }
        let responses = try await client.checkTxBatch(requests)
        #expect(responses.count == requests.count)
        for (request, response) in zip(requests, responses) {
            #expect(response.data == request.tx)
            #expect(response.code == UInt32(request.tx[0]))
        }
        await client.close()
        await server.close()
    }

    /// Many concurrent callers share the mempool socket; each gets its own answer.
    @Test func concurrentCallersEachGetTheirOwnResponse() async throws {
        let (server, client) = try await connectedPair(EchoTxApplication())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<500 {
                group.addTask {
                    let response = try await client.checkTx(CheckTxRequest(tx: Self.tx(i)))
                    #expect(response.data == Self.tx(i))
                }
            }
            try await group.waitForAll()
        }
        // The consensus connection is independent and still answers in lockstep.
        let block = try await client.finalizeBlock(FinalizeBlockRequest(
            txs: [[1]], hash: ABCISamples.hash, height: 1, time: ABCISamples.time,
            nextValidatorsHash: ABCISamples.valsHash, proposerAddress: ABCISamples.key1.address))
        #expect(block.txResults.count == 1)
        await client.close()
        await server.close()
    }
}
