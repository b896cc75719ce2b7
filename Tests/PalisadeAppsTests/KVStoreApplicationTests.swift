import Foundation
import PalisadeABCI
import PalisadeApps
import Testing

/// Drives the kvstore as the node would: FinalizeBlock then Commit, height by height.
struct Driver {
    let app: KVStoreApplication
    var height: Int64 = 0
    static let proposer = Ed25519PrivateKey(seed: Bytes(repeating: 9, count: 32))!.publicKey.address

    init(_ app: KVStoreApplication = KVStoreApplication()) { self.app = app }

    func request(_ txs: [String], height: Int64, misbehavior: [Misbehavior] = []) -> FinalizeBlockRequest {
        FinalizeBlockRequest(txs: txs.map { Array($0.utf8) }, misbehavior: misbehavior,
                             hash: Bytes(repeating: UInt8(truncatingIfNeeded: height), count: 32), height: height,
                             time: Timestamp(seconds: 1_700_000_000 + height), nextValidatorsHash: Bytes(repeating: 1, count: 32),
                             proposerAddress: Self.proposer)
    }

    @discardableResult
    mutating func block(_ txs: [String], misbehavior: [Misbehavior] = []) async throws -> FinalizeBlockResponse {
        height += 1
        let response = try await app.finalizeBlock(request(txs, height: height, misbehavior: misbehavior))
        _ = try await app.commit()
        return response
    }

    func get(_ key: String) async throws -> QueryResponse {
        try await app.query(QueryRequest(data: Array(key.utf8), path: "/store"))
    }
}

@Suite struct KVStoreApplicationTests {
    let v1 = Ed25519PrivateKey(seed: Bytes(repeating: 1, count: 32))!.publicKey
    let v2 = Ed25519PrivateKey(seed: Bytes(repeating: 2, count: 32))!.publicKey

    @Test func setThenGet() async throws {
        var d = Driver()
        try await d.block(["name=satoshi", "lang:swift", "bare"])
        let name = try await d.get("name")
        #expect(name.value == Array("satoshi".utf8))
        #expect(name.log == "exists")
        #expect(name.key == Array("name".utf8))
        #expect(name.height == 1)
        #expect(try await d.get("lang").value == Array("swift".utf8))
        #expect(try await d.get("bare").value == Array("bare".utf8))
        let missing = try await d.get("nope")
        #expect(missing.log == "does not exist")
        #expect(missing.value == [])
        try await d.block(["name=nakamoto"])
        #expect(try await d.get("name").value == Array("nakamoto".utf8))
    }

    @Test func checkTxRejectsMalformed() async throws {
        let app = KVStoreApplication()
        #expect(try await app.checkTx(CheckTxRequest(tx: Array("a=b".utf8))).code == 0)
        #expect(try await app.checkTx(CheckTxRequest(tx: Array("a=b".utf8))).gasWanted == 1)
        for bad in ["", "a=b=c", "=b", "val=xyz!1"] {
            let response = try await app.checkTx(CheckTxRequest(tx: Array(bad.utf8)))
            #expect(response.code == KVTransaction.invalidFormatCode, "\(bad)")
            #expect(!response.log.isEmpty)
        }
    }

    @Test func proposalsFilterAndValidate() async throws {
        let app = KVStoreApplication()
        let prepared = try await app.prepareProposal(PrepareProposalRequest(
            maxTxBytes: 1000, txs: ["a:1", "bad=x=y", "b=2"].map { Array($0.utf8) }, height: 1, time: Timestamp(seconds: 1),
            nextValidatorsHash: Bytes(repeating: 1, count: 32), proposerAddress: Driver.proposer))
        #expect(prepared.txs == ["a=1", "b=2"].map { Array($0.utf8) })
        let limited = try await app.prepareProposal(PrepareProposalRequest(
            maxTxBytes: 3, txs: ["a=1", "b=2"].map { Array($0.utf8) }, height: 1, time: Timestamp(seconds: 1),
            nextValidatorsHash: Bytes(repeating: 1, count: 32), proposerAddress: Driver.proposer))
        #expect(limited.txs == [Array("a=1".utf8)])
        func process(_ txs: [String]) async throws -> ProcessProposalResponse {
            try await app.processProposal(ProcessProposalRequest(
                txs: txs.map { Array($0.utf8) }, hash: Bytes(repeating: 2, count: 32), height: 1, time: Timestamp(seconds: 1),
                nextValidatorsHash: Bytes(repeating: 1, count: 32), proposerAddress: Driver.proposer))
        }
        #expect(try await process(["a=1", "b"]) == .accept)
        #expect(try await process(["a=1", "x=y=z"]) == .reject)
    }

    @Test func eventsFollowCometBFTKVStore() async throws {
        var d = Driver()
        let response = try await d.block(["k=v", "a=b=c"])
        #expect(response.txResults.count == 2)
        let ok = response.txResults[0]
        #expect(ok.code == 0)
        #expect(ok.events.count == 2)
        #expect(ok.events.allSatisfy { $0.type == "app" })
        #expect(ok.events[0].attributes == [
            EventAttribute(key: "creator", value: "Cosmoshi Netowoko", index: true),
            EventAttribute(key: "key", value: "k", index: true),
            EventAttribute(key: "index_key", value: "index is working", index: true),
            EventAttribute(key: "noindex_key", value: "index is working", index: false),
        ])
        #expect(ok.events[1].attributes[0] == EventAttribute(key: "creator", value: "Cosmoshi", index: true))
        #expect(ok.events[1].attributes[1] == EventAttribute(key: "key", value: "v", index: true))
        // A malformed tx in a decided block gets a failing result, not a crash, and changes nothing.
        #expect(response.txResults[1].code == KVTransaction.invalidFormatCode)
        #expect(response.txResults[1].events.isEmpty)
        #expect(try await d.get("a").log == "does not exist")
    }

    @Test func appHashIsDeterministic() async throws {
        let blocks = [["a=1", "b=2"], ["c=3", "a=4"], ["zz"]]
        var first = Driver()
        var second = Driver()
        var hashes: [Bytes] = []
        for txs in blocks {
            let h1 = try await first.block(txs).appHash
            let h2 = try await second.block(txs).appHash
            #expect(h1 == h2)
            #expect(h1.count == 32)
            hashes.append(h1)
        }
        #expect(Set(hashes).count == blocks.count)
        var other = Driver()
        try await other.block(["a=1", "b=2"])
        try await other.block(["c=3", "a=5"])
        #expect(try await other.block(["zz"]).appHash != hashes[2])
        // Same contents reached by a different path: same hash (the hash is over the state).
        var reordered = Driver()
        try await reordered.block(["b=2", "a=4", "c=3", "zz"])
        #expect(await reordered.app.appHash == hashes[2])
    }

    @Test func validatorTxsProduceUpdates() async throws {
        let app = KVStoreApplication()
        _ = try await app.initChain(InitChainRequest(time: Timestamp(seconds: 0), chainID: "kv",
                                                     validators: [ValidatorUpdate(publicKey: v1, power: 10)]))
        var d = Driver(app)
        let add = KVTransaction.validatorTx(ValidatorUpdate(publicKey: v2, power: 5))
        let response = try await d.block([String(decoding: add, as: UTF8.self), "k=v"])
        #expect(response.validatorUpdates == [ValidatorUpdate(publicKey: v2, power: 5)])
        #expect(response.txResults.allSatisfy { $0.code == 0 })
        #expect(await app.validators == [v1: 10, v2: 5])
        let power = try await app.query(QueryRequest(data: v2.bytes, path: "/val"))
        #expect(power.value == Array("5".utf8))

        // Two updates for one key in a block collapse to the last; removing a non-member fails.
        let stranger = Ed25519PrivateKey(seed: Bytes(repeating: 3, count: 32))!.publicKey
        let txs = [ValidatorUpdate(publicKey: v2, power: 7), ValidatorUpdate(publicKey: v2, power: 8),
                   ValidatorUpdate(publicKey: stranger, power: 0)].map { String(decoding: KVTransaction.validatorTx($0), as: UTF8.self) }
        let second = try await d.block(txs)
        #expect(second.validatorUpdates == [ValidatorUpdate(publicKey: v2, power: 8)])
        #expect(second.txResults.map(\.code) == [0, 0, KVTransaction.invalidFormatCode])

        // Equivocation costs one unit of power.
        let offence = Misbehavior(type: .duplicateVote, address: v1.address, power: 10, height: 2,
                                  time: Timestamp(seconds: 1), totalVotingPower: 18)
        let third = try await d.block([], misbehavior: [offence])
        #expect(third.validatorUpdates == [ValidatorUpdate(publicKey: v1, power: 9)])
    }

    @Test func infoAndCommitVisibility() async throws {
        let store = InMemoryKVStateStore()
        let app = KVStoreApplication(store: store)
        let fresh = try await app.info(InfoRequest())
        #expect(fresh.lastBlockHeight == 0)
        #expect(fresh.lastBlockAppHash == [])

        let d = Driver(app)
        let finalized = try await app.finalizeBlock(d.request(["k=v"], height: 1))
        // Not visible before commit.
        #expect(try await d.get("k").log == "does not exist")
        #expect(try await app.info(InfoRequest()).lastBlockHeight == 0)
        _ = try await app.commit()
        #expect(try await d.get("k").value == Array("v".utf8))
        let info = try await app.info(InfoRequest())
        #expect(info.lastBlockHeight == 1)
        #expect(info.lastBlockAppHash == finalized.appHash)
        #expect(info.data == "{\"size\":1}")
        #expect(info.appVersion == 1)

        // Commit saved the state: a restarted app resumes from it.
        let restarted = try await KVStoreApplication.restore(from: store)
        #expect(try await restarted.info(InfoRequest()) == info)
        // A second commit with no block in between is the node's bug, reported as an error.
        await #expect(throws: KVStoreError.commitWithoutBlock) { try await app.commit() }
    }

    /// CometBFT kvstore's `RetainBlocks`: nothing asked until the chain is that long, then
    /// `height - retainBlocks + 1`; 0 (the default) never asks.
    @Test func retainBlocksSetsTheCommitRetainHeight() async throws {
        let app = KVStoreApplication()
        await app.retain(blocks: 3)
        let d = Driver(app)
        var asked: [Int64] = []
        for height: Int64 in 1...5 {
            _ = try await app.finalizeBlock(d.request([], height: height))
            asked.append(try await app.commit().retainHeight)
        }
        #expect(asked == [0, 0, 1, 2, 3])
        let keepsAll = KVStoreApplication()
        _ = try await keepsAll.finalizeBlock(d.request([], height: 1))
        #expect(try await keepsAll.commit().retainHeight == 0)
    }

    @Test func tenThousandTxBlock() async throws {
        let store = InMemoryKVStateStore()
        var d = Driver(KVStoreApplication(store: store))
        let txs = (0..<10_000).map { "key\($0)=value\($0)" }
        let response = try await d.block(txs)
        #expect(response.txResults.count == 10_000)
        #expect(response.txResults.allSatisfy { $0.code == 0 })
        #expect(try await d.get("key9999").value == Array("value9999".utf8))
        #expect(store.contents.pairs.count == 10_000)
    }
}

@Suite struct KVStoreOverWireTests {
    /// The path the socket server will take: request bytes in, response bytes out.
    @Test func blockAndQueryAsProtobufBytes() async throws {
        let app = KVStoreApplication()
        func call(_ request: ABCIRequest) async throws -> ABCIResponse {
            let decoded = try ABCIRequest(serializedBytes: request.serializedBytes)
            return try ABCIResponse(serializedBytes: await app.respond(to: decoded).serializedBytes)
        }
        let block = Driver(app).request(["wire=yes"], height: 1)
        guard case .finalizeBlock(let finalized) = try await call(.finalizeBlock(block)) else {
            Issue.record("finalize_block answered with another method")
            return
        }
        #expect(finalized.txResults.map(\.code) == [0])
        #expect(try await call(.commit) == .commit(CommitResponse()))
        guard case .query(let answer) = try await call(.query(QueryRequest(data: Array("wire".utf8)))) else {
            Issue.record("query answered with another method")
            return
        }
        #expect(answer.value == Array("yes".utf8))
        // Commit with nothing finalized: the app's error travels back as an exception.
        guard case .exception = try await call(.commit) else {
            Issue.record("commit without a block did not raise an exception")
            return
        }
    }
}
