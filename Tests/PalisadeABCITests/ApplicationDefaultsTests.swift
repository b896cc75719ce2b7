import PalisadeABCI
import Testing

/// An app that relies on every default, like embedding CometBFT's `BaseApplication`.
struct BaseApp: Application {}

struct FailingApp: Application {
    struct Broken: Error, CustomStringConvertible { var description: String { "disk on fire" } }
    func commit() async throws -> CommitResponse { throw Broken() }
}

@Suite struct ApplicationDefaultsTests {
    let app = BaseApp()
    let time = ABCISamples.time

    @Test func prepareProposalTakesTxsInOrderUpToMaxTxBytes() async throws {
        let txs: [Bytes] = [[1, 1, 1], [2, 2], [3, 3, 3, 3], [4]]
        func prepare(_ max: Int64) async throws -> [Bytes] {
            try await app.prepareProposal(PrepareProposalRequest(maxTxBytes: max, txs: txs, height: 1, time: time,
                                                                 nextValidatorsHash: ABCISamples.valsHash,
                                                                 proposerAddress: ABCISamples.key1.address)).txs
        }
        #expect(try await prepare(100) == txs)
        #expect(try await prepare(5) == [[1, 1, 1], [2, 2]])
        // Stops at the first tx that does not fit, even if a later one would.
        #expect(try await prepare(6) == [[1, 1, 1], [2, 2]])
        #expect(try await prepare(2) == [])
        #expect(try await prepare(0) == [])
    }

    @Test func proposalsAndVoteExtensionsAreAccepted() async throws {
        #expect(try await app.processProposal(ProcessProposalRequest(txs: [[1]], hash: ABCISamples.hash, height: 1, time: time,
                                                                      nextValidatorsHash: ABCISamples.valsHash,
                                                                      proposerAddress: ABCISamples.key1.address)) == .accept)
        #expect(try await app.extendVote(ExtendVoteRequest(hash: ABCISamples.hash, height: 1, time: time, txs: [],
                                                           nextValidatorsHash: ABCISamples.valsHash,
                                                           proposerAddress: ABCISamples.key1.address)).voteExtension == [])
        #expect(try await app.verifyVoteExtension(VerifyVoteExtensionRequest(hash: ABCISamples.hash,
                                                                              validatorAddress: ABCISamples.key2.address,
                                                                              height: 1, voteExtension: [1])) == .accept)
    }

    @Test func snapshotsAreNoneAndRejected() async throws {
        #expect(try await app.listSnapshots() == [])
        #expect(try await app.offerSnapshot(OfferSnapshotRequest(snapshot: ABCISamples.snapshot, appHash: [])) == .reject)
        #expect(try await app.loadSnapshotChunk(LoadSnapshotChunkRequest(height: 1, format: 1, chunk: 0)) == [])
        #expect(try await app.applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: [], sender: "p")).result == .rejectSnapshot)
    }

    @Test func stateMethodsAnswerEmpty() async throws {
        #expect(try await app.info(InfoRequest()) == InfoResponse())
        #expect(try await app.initChain(InitChainRequest(time: time, chainID: "c")) == InitChainResponse())
        #expect(try await app.checkTx(CheckTxRequest(tx: [1])).isOK)
        #expect(try await app.query(QueryRequest(data: [1])).code == 0)
        let block = try await app.finalizeBlock(FinalizeBlockRequest(txs: [[1], [2], [3]], hash: ABCISamples.hash, height: 1,
                                                                     time: time, nextValidatorsHash: ABCISamples.valsHash,
                                                                     proposerAddress: ABCISamples.key1.address))
        #expect(block.txResults.count == 3)
        #expect(block.txResults.allSatisfy { $0.isOK })
        #expect(try await app.commit() == CommitResponse())
    }

    @Test func respondDispatchesEveryRequest() async throws {
        #expect(await app.respond(to: .echo("hi")) == .echo("hi"))
        #expect(await app.respond(to: .flush) == .flush)
        #expect(await app.respond(to: .commit) == .commit(CommitResponse()))
        #expect(await app.respond(to: .listSnapshots) == .listSnapshots([]))
        for request in ABCISamples.requests {
            if case .exception = await app.respond(to: request) { Issue.record("exception for \(request)") }
        }
    }

    @Test func thrownErrorsBecomeExceptions() async {
        #expect(await FailingApp().respond(to: .commit) == .exception("disk on fire"))
    }
}
