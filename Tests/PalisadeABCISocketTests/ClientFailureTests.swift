import PalisadeABCI
@testable import PalisadeABCISocket
import Testing

/// Whatever goes wrong on the socket, the client throws a typed error naming the connection and
/// the call, never hangs, and stays failed: the node cannot know the app's state any more.
@Suite("ABCI socket client failures")
struct ClientFailureTests {
    static let block = FinalizeBlockRequest(txs: [[1]], hash: ABCISamples.hash, height: 1, time: ABCISamples.time,
                                            nextValidatorsHash: ABCISamples.valsHash, proposerAddress: ABCISamples.key1.address)

    /// The client's error for `operation`, or a recorded issue if it did not throw one.
    static func failure(_ operation: () async throws -> Void) async -> ABCIClientError? {
        do {
            try await operation()
            Issue.record("expected an ABCIClientError")
        } catch let error as ABCIClientError {
            return error
        } catch {
            Issue.record("expected an ABCIClientError, got \(error)")
        }
        return nil
    }

    @Test func exceptionResponseFailsTheWholeClient() async throws {
        let (server, client) = try await connectedPair(FailingApplication())
        let error = await Self.failure { _ = try await client.finalizeBlock(Self.block) }
        #expect(error == ABCIClientError(connection: .consensus, method: .finalizeBlock,
                                         reason: .exception("disk on fire")))
        #expect(error?.description == "ABCI consensus connection, FinalizeBlock: the app answered with an exception: disk on fire")
        // Every later call, on any connection, throws that same first error.
        #expect(await Self.failure { _ = try await client.info(InfoRequest()) } == error)
        #expect(await Self.failure { _ = try await client.checkTx(CheckTxRequest(tx: [1])) } == error)
        #expect(await Self.failure { _ = try await client.checkTxBatch([CheckTxRequest(tx: [1])]) } == error)
        #expect(client.failureReason == error)
        await client.close()
        await server.close()
    }

    @Test func responseForAnotherMethod() async throws {
        let fake = try await FakeABCIServer.start { request in
            if case .commit = request { return .respond(.info(InfoResponse())) }
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        let error = await Self.failure { _ = try await client.commit() }
        #expect(error == ABCIClientError(connection: .consensus, method: .commit, reason: .unexpectedResponse(got: "Info")))
        await client.close()
        await fake.close()
    }

    @Test func malformedLengthPrefix() async throws {
        let fake = try await FakeABCIServer.start { request in
            if case .info = request { return .raw(Bytes(repeating: 0xFF, count: 11)) }
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        let error = await Self.failure { _ = try await client.info(InfoRequest()) }
        #expect(error?.connection == .query)
        #expect(error?.method == .info)
        #expect(error?.reason == .malformedResponse(ABCIFrameError.malformedLength.description))
        await client.close()
        await fake.close()
    }

    @Test func malformedProtobufBody() async throws {
        let fake = try await FakeABCIServer.start { request in
            // A frame of 3 bytes: field 21 (finalize_block), length 5, but only 1 byte follows.
            if case .finalizeBlock = request { return .raw([3, 0xAA, 0x01, 0x05]) }
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        let error = await Self.failure { _ = try await client.finalizeBlock(Self.block) }
        #expect(error?.connection == .consensus)
        #expect(error?.method == .finalizeBlock)
        guard case .malformedResponse(let detail) = error?.reason else {
            Issue.record("want malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("Response"))
        await client.close()
        await fake.close()
    }

    /// The limit is checked on the prefix: a 200 MB announcement fails at once, with nothing
    /// of the body sent or buffered.
    @Test func oversizedFrame() async throws {
        let fake = try await FakeABCIServer.start { request in
            if case .query = request { return .raw([0x80, 0x84, 0xAF, 0x5F]) }  // varint 200,000,000
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        let error = await Self.failure { _ = try await client.query(QueryRequest(data: [1])) }
        #expect(error == ABCIClientError(connection: .query, method: .query,
                                         reason: .oversizedFrame(length: 200_000_000, limit: ABCISocket.defaultMaxFrameBytes)))
        await client.close()
        await fake.close()
    }

    @Test func responseOverAConfiguredLimit() async throws {
        let (server, client) = try await connectedPair(EchoTxApplication(), options: .init(maxFrameBytes: 64))
        let error = await Self.failure { _ = try await client.checkTx(CheckTxRequest(tx: Bytes(repeating: 1, count: 100))) }
        #expect(error?.connection == .mempool)
        #expect(error?.method == .checkTx)
        guard case .oversizedFrame(_, let limit) = error?.reason else {
            Issue.record("want oversizedFrame, got \(String(describing: error))")
            return
        }
        #expect(limit == 64)
        await client.close()
        await server.close()
    }

    @Test func appClosesTheSocketMidFinalizeBlock() async throws {
        let fake = try await FakeABCIServer.start { request in
            if case .finalizeBlock = request { return .close }
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        _ = try await client.info(InfoRequest())
        let error = await Self.failure { _ = try await client.finalizeBlock(Self.block) }
        #expect(error?.connection == .consensus)
        #expect(error?.method == .finalizeBlock)
        guard case .connectionClosed = error?.reason else {
            Issue.record("want connectionClosed, got \(String(describing: error))")
            return
        }
        #expect(await Self.failure { _ = try await client.commit() } == error)
        await client.close()
        await fake.close()
    }

    /// Pipelined CheckTx calls in flight when the app goes away all fail; none hangs.
    @Test func pipelinedCallsInFlightAllFail() async throws {
        let fake = try await FakeABCIServer.start { request in
            if case .checkTx(let r) = request, r.tx == [9] { return .close }
            return .normal
        }
        let client = try await ABCISocketClient.connect(to: fake.address)
        let requests = (0..<50).map { CheckTxRequest(tx: [$0 == 25 ? 9 : 1]) }
        let error = await Self.failure { _ = try await client.checkTxBatch(requests) }
        #expect(error?.connection == .mempool)
        await client.close()
        await fake.close()
    }

    @Test func connectGivesUpAfterTheTimeout() async throws {
        // Nothing listens on a port just released by a server we closed.
        let fake = try await FakeABCIServer.start { _ in .normal }
        let address = fake.address
        await fake.close()
        let error = await Self.failure {
            _ = try await ABCISocketClient.connect(to: address, options: .init(connectTimeout: .milliseconds(100),
                                                                              retryInterval: .milliseconds(20)))
        }
        #expect(error?.connection == .consensus)
        guard case .connectFailed(let where_, _) = error?.reason else {
            Issue.record("want connectFailed, got \(String(describing: error))")
            return
        }
        #expect(where_ == address.description)
    }

    @Test func closedClientThrows() async throws {
        let (server, client) = try await connectedPair(RecordingApplication())
        await client.close()
        let error = await Self.failure { _ = try await client.commit() }
        #expect(error?.reason == .closed)
        await server.close()
    }
}
