import Foundation
import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeIndexer
import PalisadeMempool
import PalisadeP2P
import PalisadeRPC
import PalisadeState
import PalisadeStorage
import PalisadeTypes

/// The JSON-RPC server's view of a running node. Reads go to the block store, the indexer, the
/// mempool and the app's query connection; nothing here waits on consensus, which runs in its
/// own actor and only publishes what it did.
struct NodeRPCBackend: StoredChainBackend {
    let node: Node
    let index: EventIndex?
    let broadcastCommitTimeout: Duration

    var reads: StoredChainReads { StoredChainReads(store: node.blockStore, index: index) }

    func status() async throws -> NodeStatus {
        let snapshot = await node.driver.snapshot()
        let key = node.validatorKey
        let power = snapshot.chain.validators.validator(for: key.address)?.votingPower ?? 0
        let sync = try reads.syncInfo(appHash: snapshot.chain.appHash, catchingUp: await node.isCatchingUp(),
                                      genesisTime: node.home.genesis.genesisTime)
        return NodeStatus(nodeInfo: await nodeInfo(), syncInfo: sync,
                          validatorInfo: ValidatorInfo(publicKey: key, votingPower: power))
    }

    private func nodeInfo() async -> PalisadeRPC.NodeInfo {
        let config = node.home.config
        return PalisadeRPC.NodeInfo(
            protocolVersion: PalisadeRPC.NodeInfo.ProtocolVersion(p2p: Handshake.p2pProtocol, block: Handshake.blockProtocol,
                                                      app: await node.driver.snapshot().chain.version.app),
            id: node.home.nodeKey.id, listenAddress: "tcp://\(config.p2p.laddr.host):\(config.p2p.laddr.port)",
            network: node.home.genesis.chainID, version: Handshake.softwareVersion,
            channels: [0x20, 0x21, 0x22, 0x30, 0x38], moniker: config.moniker,
            txIndex: index == nil ? "off" : "on", rpcAddress: "tcp://\(config.rpc.laddr.host):\(config.rpc.laddr.port)")
    }

    func netInfo() async throws -> NetInfo {
        let config = node.home.config
        let peers = await node.peerSwitch.peers.map { peer in
            let info = peer.nodeInfo
            return PalisadeRPC.PeerInfo(
                nodeInfo: PalisadeRPC.NodeInfo(
                    protocolVersion: PalisadeRPC.NodeInfo.ProtocolVersion(p2p: info.protocolVersion.p2p,
                                                                          block: info.protocolVersion.block,
                                                                          app: info.protocolVersion.app),
                    id: peer.id, listenAddress: info.listenAddress, network: info.network, version: info.version,
                    channels: info.channels, moniker: info.moniker, rpcAddress: info.rpcAddress),
                isOutbound: peer.isOutbound, remoteIP: peer.remoteAddress,
                connectionDurationNanos: Int64(Date().timeIntervalSince(peer.connectedSince) * 1e9))
        }
        return NetInfo(listening: true, listeners: ["Listener(@tcp://\(config.p2p.laddr.host):\(config.p2p.laddr.port))"],
                       peers: peers)
    }

    func genesis() async throws -> GenesisDoc { node.home.genesis }

    func consensusState() async throws -> RoundStateSummary {
        await node.driver.roundStateSummary()
    }

    func dumpConsensusState() async throws -> ConsensusStateDump {
        await node.driver.consensusStateDump()
    }

    func unconfirmedTxs(limit: Int) async throws -> UnconfirmedTxs {
        let txs = await node.mempool.allTxs()
        return UnconfirmedTxs(txs: Array(txs.prefix(max(0, limit))), total: txs.count,
                              totalBytes: await node.mempool.sizeBytes)
    }

    func numUnconfirmedTxs() async throws -> UnconfirmedTxs {
        UnconfirmedTxs(txs: [], total: await node.mempool.size, totalBytes: await node.mempool.sizeBytes)
    }

    /// CometBFT answers success for evidence already pending or committed, and an internal
    /// error naming the reason for anything it cannot add.
    func broadcastEvidence(_ evidence: DuplicateVoteEvidence) async throws {
        switch await node.evidencePool.add(evidence) {
        case .added, .known:
            return
        case .ignored(let reason), .invalid(let reason):
            throw RPCError.internalError("failed to add evidence: \(reason)")
        }
    }

    func broadcastTxAsync(_ tx: Bytes) async throws {
        let reactor = node.mempoolReactor, budget = node.asyncSubmissions
        guard budget.reserve(tx.count) else {
            let used = budget.inFlight
            throw RPCError.internalError("mempool is full: \(used.count) transactions (\(used.bytes) bytes) "
                + "still waiting for CheckTx (max: \(budget.maxCount), \(budget.maxBytes) bytes)")
        }
        reactor.submitLater(tx) { budget.release(tx.count) }
    }

    func broadcastTxSync(_ tx: Bytes) async throws -> CheckTxResponse {
        try Self.response(for: await node.mempoolReactor.submit(tx))
    }

    /// Subscribes before submitting, so the block that carries the transaction cannot slip by.
    func broadcastTxCommit(_ tx: Bytes) async throws -> BroadcastTxCommitResult {
        let events = node.events.subscribe()
        let checked = try Self.response(for: await node.mempoolReactor.submit(tx))
        guard checked.code == 0 else { return BroadcastTxCommitResult(checkTx: checked) }
        let timeout = broadcastCommitTimeout
        return try await withThrowingTaskGroup(of: BroadcastTxCommitResult?.self) { group in
            group.addTask {
                for await event in events {
                    guard case .newBlock(let committed) = event,
                          let index = committed.block.data.txs.firstIndex(of: tx),
                          committed.response.txResults.indices.contains(index) else { continue }
                    return BroadcastTxCommitResult(checkTx: checked, txResult: committed.response.txResults[index],
                                                   height: committed.block.header.height)
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw RPCError.internalError("timed out waiting for tx to be included in a block")
            }
            return result
        }
    }

    func checkTx(_ tx: Bytes) async throws -> CheckTxResponse {
        try await node.app.checkTx(CheckTxRequest(tx: tx, type: .new))
    }

    func abciInfo() async throws -> InfoResponse {
        try await node.app.info(InfoRequest(version: Handshake.softwareVersion, blockVersion: Handshake.blockProtocol,
                                            p2pVersion: Handshake.p2pProtocol, abciVersion: "2.0.0"))
    }

    func abciQuery(path: String, data: Bytes, height: Int64, prove: Bool) async throws -> QueryResponse {
        try await node.app.query(QueryRequest(data: data, path: path, height: height, prove: prove))
    }

    func events() async -> AsyncStream<RPCEvent> {
        let source = node.events.subscribe(buffer: 4_096)
        return AsyncStream(bufferingPolicy: .bufferingNewest(4_096)) { continuation in
            let task = Task {
                for await event in source {
                    for mapped in RPCEventMapping.events(for: event) { continuation.yield(mapped) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// CometBFT answers a mempool refusal as an RPC error, an app refusal as a CheckTx response
    /// with its code.
    static func response(for outcome: CheckTxOutcome) throws -> CheckTxResponse {
        switch outcome {
        case .accepted(let response):
            return response
        case .rejected(.appRejected(let code, let codespace, let log)):
            var response = CheckTxResponse(code: code)
            response.codespace = codespace
            response.log = log
            return response
        case .rejected(.alreadySeen):
            throw RPCError.internalError("tx already exists in cache")
        case .rejected(.txTooLarge(let size, let max)):
            throw RPCError.internalError("tx too large. Max size is \(max), but got \(size)")
        case .rejected(.mempoolIsFull(let count, let maxCount, let bytes, let maxBytes)):
            throw RPCError.internalError("mempool is full: number of txs \(count) (max: \(maxCount)), "
                + "total txs bytes \(bytes) (max: \(maxBytes))")
        case .rejected(.appFailed(let reason)):
            throw RPCError.internalError("CheckTx failed: \(reason)")
        }
    }
}
