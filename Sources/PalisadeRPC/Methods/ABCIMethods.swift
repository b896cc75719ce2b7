import PalisadeCrypto
import PalisadeTypes

/// `abci_info`, `abci_query`, `broadcast_evidence`, and the unsafe `dial_seeds`, `dial_peers`,
/// `unsafe_flush_mempool`.
enum ABCIMethods {
    static func register(into t: inout [String: RPCMethod]) {
        t["abci_info"] = RPCMethod { _, call in
            .obj(["response": ABCIJSON.info(try await call.backend.abciInfo())])
        }
        t["abci_query"] = RPCMethod(["path", "data", "height", "prove"]) { params, call in
            let r = try await call.backend.abciQuery(path: try params.string("path") ?? "",
                                                     data: try params.hexBytes("data") ?? [],
                                                     height: try params.int64("height") ?? 0,
                                                     prove: try params.bool("prove") ?? false)
            return .obj(["response": ABCIJSON.query(r)])
        }
        t["broadcast_evidence"] = RPCMethod(["evidence"]) { params, call in
            let evidence = try EvidenceDecoder.decode(params.json("evidence"))
            try await call.backend.broadcastEvidence(evidence)
            return .obj(["hash": .base64(evidence.hash())])
        }
        t["dial_seeds"] = RPCMethod(["seeds"], unsafe: true) { params, call in
            let seeds = try params.strings("seeds")
            guard !seeds.isEmpty else { throw RPCError.internalError("no seeds provided") }
            return .obj(["log": .string(try await call.backend.dialSeeds(seeds))])
        }
        t["dial_peers"] = RPCMethod(["peers", "persistent", "unconditional", "private"], unsafe: true) { params, call in
            let peers = try params.strings("peers")
            guard !peers.isEmpty else { throw RPCError.internalError("no peers provided") }
            let log = try await call.backend.dialPeers(peers, persistent: try params.bool("persistent") ?? false,
                                                       unconditional: try params.bool("unconditional") ?? false,
                                                       isPrivate: try params.bool("private") ?? false)
            return .obj(["log": .string(log)])
        }
        t["unsafe_flush_mempool"] = RPCMethod(unsafe: true) { _, call in
            try await call.backend.unsafeFlushMempool()
            return .object([])
        }
    }
}
