import Foundation
import PalisadeABCI
import PalisadeABCISocket
import PalisadeApps
import Testing

@Suite("ABCI socket round trips")
struct RoundTripTests {
    /// Every method goes out on its connection and back: the app sees exactly the request the
    /// client was given, and the client returns exactly the response the app gave.
    @Test func everyMethodReachesTheAppAndBackUnchanged() async throws {
        let app = RecordingApplication()
        let (server, client) = try await connectedPair(app)
        var expectedAtApp: [ABCIRequest] = []
        for request in ABCISamples.requests {
            let response = try await send(request, to: client)
            switch request {
            case .echo(let message): #expect(response == .echo(message))
            case .flush: continue
            default:
                expectedAtApp.append(request)
                #expect(response == RecordingApplication.sample(ABCIMethod(request)), "\(ABCIMethod(request))")
            }
        }
        #expect(await app.received == expectedAtApp)
        #expect(client.failureReason == nil)
        await client.close()
        await server.close()
    }

    /// The kvstore over the socket gives the same answers as the kvstore in process.
    @Test func kvstoreOverTheSocketMatchesInProcess() async throws {
        let remote = KVStoreApplication()
        let local = KVStoreApplication()
        let (server, client) = try await connectedPair(remote)
        let requests: [ABCIRequest] = [
            .info(InfoRequest(version: "0.38.0", blockVersion: 11, p2pVersion: 8, abciVersion: "2.0.0")),
            .initChain(InitChainRequest(time: ABCISamples.time, chainID: "kv", validators: ABCISamples.updates)),
            .checkTx(CheckTxRequest(tx: Array("a=1".utf8))),
            .checkTx(CheckTxRequest(tx: Array("=bad".utf8))),
            .prepareProposal(PrepareProposalRequest(maxTxBytes: 1000, txs: [Array("a=1".utf8), Array("b:2".utf8)],
                                                    height: 1, time: ABCISamples.time,
                                                    nextValidatorsHash: ABCISamples.valsHash,
                                                    proposerAddress: ABCISamples.key1.address)),
            .processProposal(ProcessProposalRequest(txs: [Array("a=1".utf8)], hash: ABCISamples.hash, height: 1,
                                                    time: ABCISamples.time, nextValidatorsHash: ABCISamples.valsHash,
                                                    proposerAddress: ABCISamples.key1.address)),
            .extendVote(ExtendVoteRequest(hash: ABCISamples.hash, height: 1, time: ABCISamples.time, txs: [],
                                          nextValidatorsHash: ABCISamples.valsHash,
                                          proposerAddress: ABCISamples.key1.address)),
            .verifyVoteExtension(VerifyVoteExtensionRequest(hash: ABCISamples.hash, validatorAddress: ABCISamples.key2.address,
                                                            height: 1, voteExtension: [])),
            .finalizeBlock(FinalizeBlockRequest(txs: [Array("a=1".utf8), Array("b=2".utf8)], hash: ABCISamples.hash,
                                                height: 1, time: ABCISamples.time,
                                                nextValidatorsHash: ABCISamples.valsHash,
                                                proposerAddress: ABCISamples.key1.address)),
            .commit,
            .query(QueryRequest(data: Array("a".utf8), path: "/store")),
            .info(InfoRequest()),
            .listSnapshots,
            .offerSnapshot(OfferSnapshotRequest(snapshot: ABCISamples.snapshot, appHash: ABCISamples.hash)),
            .loadSnapshotChunk(LoadSnapshotChunkRequest(height: 1, format: 1, chunk: 0)),
            .applySnapshotChunk(ApplySnapshotChunkRequest(index: 0, chunk: [1], sender: "p")),
        ]
        for request in requests {
            let overSocket = try await send(request, to: client)
            let inProcess = try await send(request, to: local)
            #expect(overSocket == inProcess, "\(ABCIMethod(request))")
        }
        if case .query(let answer) = try await send(.query(QueryRequest(data: Array("a".utf8))), to: client) {
            #expect(answer.value == Array("1".utf8))
        } else {
            Issue.record("query did not return a query response")
        }
        await client.close()
        await server.close()
    }

    @Test func unixSocket() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("abci-\(UUID().uuidString).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let app = RecordingApplication()
        let server = try await ABCISocketServer.start(serving: app, at: .unix(path: path))
        let client = try await ABCISocketClient.connect(to: try ABCIAddress(parsing: "unix://\(path)"))
        let info = try await client.info(InfoRequest(version: "v"))
        #expect(.info(info) == RecordingApplication.sample(.info))
        let commit = try await client.commit()
        #expect(.commit(commit) == RecordingApplication.sample(.commit))
        #expect(await app.received == [.info(InfoRequest(version: "v")), .commit])
        await client.close()
        await server.close()
    }

    /// The node starts before its app: `connect` keeps trying until the app listens.
    @Test func connectWaitsForTheApp() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("abci-\(UUID().uuidString).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let connecting = Task {
            try await ABCISocketClient.connect(to: .unix(path: path),
                                               options: .init(connectTimeout: .seconds(60), retryInterval: .milliseconds(20)))
        }
        let server = try await ABCISocketServer.start(serving: RecordingApplication(), at: .unix(path: path))
        let client = try await connecting.value
        #expect(try await client.echo("up") == "up")
        await client.close()
        await server.close()
    }

    @Test func addressesParseAsCometBFTWritesThem() throws {
        #expect(try ABCIAddress(parsing: "tcp://127.0.0.1:26658") == .tcp(host: "127.0.0.1", port: 26658))
        #expect(try ABCIAddress(parsing: "tcp://[::1]:1") == .tcp(host: "::1", port: 1))
        #expect(try ABCIAddress(parsing: "unix:///tmp/app.sock") == .unix(path: "/tmp/app.sock"))
        #expect(ABCIAddress.tcp(host: "::1", port: 1).description == "tcp://[::1]:1")
        for bad in ["127.0.0.1:26658", "tcp://host", "tcp://:1", "tcp://h:99999", "unix://", "http://h:1"] {
            #expect(throws: ABCIAddressError.self, "\(bad)") { try ABCIAddress(parsing: bad) }
        }
    }
}
