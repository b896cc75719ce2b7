import PalisadeABCI
import PalisadeABCISocket
import PalisadeApps
import Testing

/// `waitForFailure`: the node's watch on its socket app, which halts it as soon as the app goes
/// away instead of at its next call.
@Suite("ABCI socket client: waiting for a failure")
struct FailureWatchTests {
    @Test func theAppGoingAwayWakesTheWatcherWithTheLostConnection() async throws {
        let (server, client) = try await connectedPair(KVStoreApplication())
        let watcher = Task { await client.waitForFailure() }
        _ = try await client.info(InfoRequest())
        #expect(client.failureReason == nil)
        await server.close()
        let failure = try #require(await watcher.value)
        guard case .connectionClosed = failure.reason else {
            Issue.record("expected a lost connection, got \(failure)")
            return
        }
        #expect(failure == client.failureReason)
        // Every later call fails with it, and a later watcher gets it at once.
        #expect(await client.waitForFailure() == failure)
        await #expect(throws: failure) { _ = try await client.info(InfoRequest()) }
        await client.close()
    }

    @Test func aCancelledWatcherReturnsNilAndTheClientStaysUsable() async throws {
        let (server, client) = try await connectedPair(KVStoreApplication())
        let watcher = Task { await client.waitForFailure() }
        watcher.cancel()
        #expect(await watcher.value == nil)
        let cancelledBeforehand = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await client.waitForFailure()
        }
        #expect(await cancelledBeforehand.value == nil)
        #expect(client.failureReason == nil)
        _ = try await client.info(InfoRequest())
        await client.close()
        #expect(await client.waitForFailure()?.reason == .closed)
        await server.close()
    }
}

/// An app that never answers `info`: the call fails once the client's call timeout passes, the
/// client is failed for good, and the watcher (the node's halt) learns why.
@Suite("ABCI socket client: an app that hangs")
struct CallTimeoutTests {
    actor HangingApplication: Application {
        func info(_ request: InfoRequest) async throws -> InfoResponse {
            try await Task.sleep(for: .seconds(3_600))
            return InfoResponse()
        }
    }

    @Test func aCallTheAppNeverAnswersFailsTheClientWithTimedOut() async throws {
        let (server, client) = try await connectedPair(HangingApplication(),
                                                       options: .init(callTimeout: .milliseconds(300)))
        let watcher = Task { await client.waitForFailure() }
        await #expect(throws: ABCIClientError.self) { _ = try await client.info(InfoRequest()) }
        let failure = try #require(await watcher.value)
        #expect(failure.reason == .timedOut(.milliseconds(300)), "\(failure)")
        #expect(failure.method == .info)
        #expect(failure.description.contains("did not answer within"))
        await client.close()
        await server.close()
    }
}
