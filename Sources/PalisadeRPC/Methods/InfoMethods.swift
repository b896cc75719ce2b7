import Foundation
import PalisadeCrypto
import PalisadeTypes

/// `health`, `status`, `net_info`, `genesis`, `genesis_chunked`, `validators`,
/// `consensus_params`, `consensus_state`, `dump_consensus_state`.
enum InfoMethods {
    /// CometBFT's genesis chunk size (16 MiB).
    static let genesisChunkSize = 16 * 1024 * 1024

    static func register(into t: inout [String: RPCMethod]) {
        t["health"] = RPCMethod { _, call in
            try await call.backend.health()
            return .object([])
        }
        t["status"] = RPCMethod { _, call in status(try await call.backend.status()) }
        t["net_info"] = RPCMethod { _, call in netInfo(try await call.backend.netInfo()) }
        t["genesis"] = RPCMethod { _, call in
            .obj(["genesis": try TypesJSON.genesis(try await call.backend.genesis())])
        }
        t["genesis_chunked"] = RPCMethod(["chunk"]) { params, call in
            let data = try await call.backend.genesis().jsonData()
            let chunks = stride(from: 0, to: data.count, by: genesisChunkSize).map {
                data.subdata(in: $0..<min($0 + genesisChunkSize, data.count))
            }
            let id = try params.int("chunk") ?? 0
            guard chunks.indices.contains(id) else {
                throw RPCError.internalError("there are \(chunks.count) chunks, \(id) is invalid")
            }
            return .obj(["chunk": .int64(Int64(id)), "total": .int64(Int64(chunks.count)),
                         "data": .string(chunks[id].base64EncodedString())])
        }
        t["validators"] = RPCMethod(["height", "page", "per_page"]) { params, call in
            let height = try await call.uncommittedHeight(try params.int64("height"))
            guard let set = try await call.backend.validators(at: height) else {
                throw RPCError.internalError("could not find validator set for height \(height)")
            }
            let perPage = RPCCall.perPage(try params.int("per_page"))
            let page = try RPCCall.page(try params.int("page"), perPage: perPage, total: set.count)
            let start = (page - 1) * perPage
            let slice = Array(set.validators[start..<min(start + perPage, set.count)])
            return .obj(["block_height": .int64(height),
                         "validators": .array(slice.map(TypesJSON.validator)),
                         "count": .int64(Int64(slice.count)),
                         "total": .int64(Int64(set.count))])
        }
        t["consensus_params"] = RPCMethod(["height"]) { params, call in
            let height = try await call.uncommittedHeight(try params.int64("height"))
            guard let p = try await call.backend.consensusParams(at: height) else {
                throw RPCError.internalError("could not find consensus params for height \(height)")
            }
            return .obj(["block_height": .int64(height), "consensus_params": TypesJSON.consensusParams(p)])
        }
        t["consensus_state"] = RPCMethod { _, call in
            .obj(["round_state": ConsensusJSON.roundStateSummary(try await call.backend.consensusState())])
        }
        t["dump_consensus_state"] = RPCMethod { _, call in
            let dump = try await call.backend.dumpConsensusState()
            return .obj(["round_state": ConsensusJSON.roundStateSummary(dump.roundState),
                         "peers": .array(dump.peers.map(ConsensusJSON.peer))])
        }
    }

    static func nodeInfo(_ n: NodeInfo) -> JSONValue {
        .obj(["protocol_version": .obj(["p2p": .uint64(n.protocolVersion.p2p),
                                        "block": .uint64(n.protocolVersion.block),
                                        "app": .uint64(n.protocolVersion.app)]),
              "id": .string(n.id),
              "listen_addr": .string(n.listenAddress),
              "network": .string(n.network),
              "version": .string(n.version),
              "channels": .hex(n.channels),
              "moniker": .string(n.moniker),
              "other": .obj(["tx_index": .string(n.txIndex), "rpc_address": .string(n.rpcAddress)])])
    }

    static func status(_ s: NodeStatus) -> JSONValue {
        let y = s.syncInfo
        return .obj([
            "node_info": nodeInfo(s.nodeInfo),
            "sync_info": .obj(["latest_block_hash": .hex(y.latestBlockHash),
                               "latest_app_hash": .hex(y.latestAppHash),
                               "latest_block_height": .int64(y.latestBlockHeight),
                               "latest_block_time": TypesJSON.time(y.latestBlockTime),
                               "earliest_block_hash": .hex(y.earliestBlockHash),
                               "earliest_app_hash": .hex(y.earliestAppHash),
                               "earliest_block_height": .int64(y.earliestBlockHeight),
                               "earliest_block_time": TypesJSON.time(y.earliestBlockTime),
                               "catching_up": .bool(y.catchingUp)]),
            "validator_info": .obj(["address": .hex(s.validatorInfo.address.bytes),
                                    "pub_key": TypesJSON.pubKey(s.validatorInfo.publicKey),
                                    "voting_power": .int64(s.validatorInfo.votingPower)]),
        ])
    }

    static func netInfo(_ n: NetInfo) -> JSONValue {
        .obj(["listening": .bool(n.listening),
              "listeners": .array(n.listeners.map { .string($0) }),
              "n_peers": .int64(Int64(n.peers.count)),
              "peers": .array(n.peers.map { p in
                  .obj(["node_info": nodeInfo(p.nodeInfo),
                        "is_outbound": .bool(p.isOutbound),
                        "connection_status": .obj(["Duration": .int64(p.connectionDurationNanos),
                                                   "SendMonitor": .object([]),
                                                   "RecvMonitor": .object([]),
                                                   "Channels": .array([])]),
                        "remote_ip": .string(p.remoteIP)])
              })])
    }
}
