import PalisadeABCI
import PalisadeCrypto
import PalisadeRPC
import PalisadeStorage
import PalisadeTypes

/// `palisade inspect`'s view: a stopped node's block store and event index, read-only, for an
/// operator to look at a node that halted (app hash mismatch, a bad block) without starting it.
/// What only a running node knows (consensus, mempool, peers, the app) is answered with an error
/// that says so.
struct InspectRPCBackend: StoredChainBackend {
    let home: LoadedHome
    let reads: StoredChainReads

    private static func unavailable(_ what: String) -> RPCError {
        RPCError.internalError("\(what) is not available: palisade inspect serves a stopped node's stored data only")
    }

    func status() async throws -> NodeStatus {
        let state = try reads.store.latestState()
        let sync = try reads.syncInfo(appHash: state?.appHash ?? [], catchingUp: false,
                                      genesisTime: home.genesis.genesisTime)
        let key = home.privValidatorKey
        let power = state?.validators.validator(for: key.address)?.votingPower ?? 0
        let config = home.config
        let info = NodeInfo(
            protocolVersion: NodeInfo.ProtocolVersion(p2p: Handshake.p2pProtocol, block: Handshake.blockProtocol,
                                                      app: state?.version.app ?? 0),
            id: home.nodeKey.id, listenAddress: "tcp://\(config.p2p.laddr.host):\(config.p2p.laddr.port)",
            network: home.genesis.chainID, version: Handshake.softwareVersion, moniker: config.moniker,
            txIndex: reads.index == nil ? "off" : "on", rpcAddress: "tcp://\(config.rpc.laddr.host):\(config.rpc.laddr.port)")
        return NodeStatus(nodeInfo: info, syncInfo: sync, validatorInfo: ValidatorInfo(publicKey: key.publicKey, votingPower: power))
    }

    func netInfo() async throws -> NetInfo { NetInfo(listening: false, listeners: [], peers: []) }

    func genesis() async throws -> GenesisDoc { home.genesis }

    func consensusState() async throws -> RoundStateSummary { throw Self.unavailable("consensus state") }

    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs { throw Self.unavailable("the mempool") }

    func numUnconfirmedTxs() async throws -> UnconfirmedTxs { throw Self.unavailable("the mempool") }

    func broadcastTxAsync(_ tx: Bytes) async throws { throw Self.unavailable("broadcasting") }

    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse { throw Self.unavailable("broadcasting") }

    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult { throw Self.unavailable("broadcasting") }

    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse { throw Self.unavailable("the app") }

    func abciInfo() async throws -> InfoResponse { throw Self.unavailable("the app") }

    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse {
        throw Self.unavailable("the app")
    }

    func events() async -> AsyncStream<RPCEvent> { AsyncStream { $0.finish() } }
}
