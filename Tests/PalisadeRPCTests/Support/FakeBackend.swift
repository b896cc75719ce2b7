import Foundation
import PalisadeABCI
import PalisadeCrypto
import PalisadeRPC
import PalisadeTypes

/// An `RPCBackend` serving the recorded chain: block 10 and its commit, block 1, the genesis
/// and its single validator, and kvstore-shaped transaction results. Events are pushed by tests.
struct FakeBackend: RPCBackend {
    let block10: StoredBlock
    let block1: StoredBlock
    let signedHeader10: SignedHeader
    let genesisDoc: GenesisDoc
    let validatorSet: ValidatorSet
    let eventStream: AsyncStream<RPCEvent>
    let eventSink: AsyncStream<RPCEvent>.Continuation
    /// The latest stored height, as in the recorded status.
    let latest: Int64 = 232
    /// The lowest stored height (above 1 as if the node pruned).
    let base: Int64

    init(base: Int64 = 1) throws {
        self.base = base
        block10 = try Fixtures.storedBlock(try Fixtures.result("block_at_height_10.json"))
        block1 = try Fixtures.storedBlock(try Fixtures.result("block_at_height_1.json"))
        let commit = try Fixtures.result("commit_at_height_10.json")["signed_header"]
        signedHeader10 = SignedHeader(header: try Fixtures.header(commit?["header"]),
                                      commit: try Fixtures.commit(commit?["commit"]), canonical: true)
        genesisDoc = try Fixtures.genesis()
        guard let set = try genesisDoc.validatorSet() else { throw Fixtures.Bad(what: "validators") }
        validatorSet = set
        (eventStream, eventSink) = AsyncStream<RPCEvent>.makeStream(bufferingPolicy: .bufferingNewest(100))
    }

    /// The kvstore's two events for a `key=value` transaction, as the recorded node emitted them.
    static func kvEvents(key: String) -> [Event] {
        [Event(type: "app", attributes: [EventAttribute(key: "creator", value: "Cosmoshi Netowoko"),
                                         EventAttribute(key: "key", value: key),
                                         EventAttribute(key: "index_key", value: "index is working"),
                                         EventAttribute(key: "noindex_key", value: "index is working", index: false)]),
         Event(type: "app", attributes: [EventAttribute(key: "creator", value: "Cosmoshi"),
                                         EventAttribute(key: "key", value: "value"),
                                         EventAttribute(key: "index_key", value: "index is working"),
                                         EventAttribute(key: "noindex_key", value: "index is working", index: false)])]
    }

    static let indexedTx = IndexedTx(height: 223, index: 0, tx: Bytes("async-key=value".utf8),
                                     result: TxResult(events: kvEvents(key: "async-key")))

    func status() async throws -> NodeStatus {
        guard let key = validatorSet.validator(at: 0)?.publicKey else { throw Fixtures.Bad(what: "key") }
        return NodeStatus(
            nodeInfo: NodeInfo(id: "cf4a66aa29e5123abfdfbdf485da6788bb8e46d1", listenAddress: "tcp://0.0.0.0:26656",
                               network: "dockerchain", version: "0.38.0-alpha.1",
                               channels: Bytes(hex: "40202122233038606100") ?? [], moniker: "dockernode",
                               rpcAddress: "tcp://0.0.0.0:26657"),
            syncInfo: SyncInfo(latestBlockHash: block10.blockID.hash, latestAppHash: [6, 0, 0, 0, 0, 0, 0, 0],
                               latestBlockHeight: latest, latestBlockTime: block10.block.header.time,
                               earliestBlockHash: block1.blockID.hash, earliestAppHash: [0, 0, 0, 0, 0, 0, 0, 0],
                               earliestBlockHeight: 1, earliestBlockTime: block1.block.header.time, catchingUp: false),
            validatorInfo: ValidatorInfo(publicKey: key, votingPower: 10))
    }

    func netInfo() async throws -> NetInfo { NetInfo(listening: true, listeners: ["Listener(@)"], peers: []) }
    func blockStoreRange() async throws -> BlockStoreRange { BlockStoreRange(base: base, height: latest) }

    func block(at height: Int64) async throws -> StoredBlock? {
        if height == 1 { return block1 }
        if height == Self.indexedTx.height {
            var b = block10
            b.block.data.txs = [Self.indexedTx.tx]
            return b
        }
        return height <= latest ? block10 : nil
    }

    func block(hash: Bytes) async throws -> StoredBlock? { hash == block1.blockID.hash ? block1 : block10 }
    func blockResults(at height: Int64) async throws -> FinalizeBlockResponse? { FinalizeBlockResponse(txResults: [], appHash: []) }
    func commit(at height: Int64) async throws -> SignedHeader? { signedHeader10 }
    func validators(at height: Int64) async throws -> ValidatorSet? { validatorSet }
    func genesis() async throws -> GenesisDoc { genesisDoc }
    func consensusParams(at height: Int64) async throws -> ConsensusParams? { genesisDoc.consensusParams }

    func consensusState() async throws -> RoundStateSummary {
        guard let proposer = validatorSet.validator(at: 0)?.address else { throw Fixtures.Bad(what: "proposer") }
        return RoundStateSummary(height: 221, round: 0, step: .newHeight, startTime: block10.block.header.time,
                                 validators: validatorSet, proposer: proposer,
                                 votes: [RoundVotes(round: 0, prevotes: [nil], precommits: [nil])])
    }

    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs {
        UnconfirmedTxs(txs: [Bytes("a=b".utf8)], total: 1, totalBytes: 3)
    }

    func numUnconfirmedTxs() async throws -> UnconfirmedTxs { UnconfirmedTxs(txs: [], total: 1, totalBytes: 3) }
    func broadcastTxAsync(_ tx: Bytes) async throws {}
    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse { CheckTxResponse(gasWanted: 1) }

    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult {
        BroadcastTxCommitResult(checkTx: CheckTxResponse(gasWanted: 1),
                                txResult: TxResult(events: Self.kvEvents(key: "commit-key")), height: 227)
    }

    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse { CheckTxResponse(gasWanted: 1) }
    func tx(hash: Bytes) async throws -> IndexedTx? { hash == Self.indexedTx.hash ? Self.indexedTx : nil }

    func txSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<IndexedTx> {
        RPCSearchPage(items: page == 1 ? [Self.indexedTx] : [], totalCount: 1)
    }

    func blockSearch(query: String, page: Int, perPage: Int, order: RPCSearchOrder) async throws -> RPCSearchPage<Int64> {
        RPCSearchPage(items: page == 1 ? [2, 3] : [], totalCount: 45)
    }

    func abciInfo() async throws -> InfoResponse {
        InfoResponse(data: "{\"size\":0}", version: "2.0.0", appVersion: 1, lastBlockHeight: 198,
                     lastBlockAppHash: [0, 0, 0, 0, 0, 0, 0, 0])
    }

    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse {
        data == Bytes("tx0".utf8)
            ? QueryResponse(log: "exists", key: data, value: Bytes("value".utf8), height: 254)
            : QueryResponse(log: "does not exist", key: data, height: 200)
    }

    func events() async -> AsyncStream<RPCEvent> { eventStream }
}
