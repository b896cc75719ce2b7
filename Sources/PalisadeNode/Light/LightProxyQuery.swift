import Foundation
import PalisadeABCI
import PalisadeApps
import PalisadeRPC

/// `abci_query` through `palisade light`: the primary is asked with `prove = true`, and its answer
/// is passed on only if the kvstore proof it carries (`KVStoreProof`) shows the queried key holds
/// the value given, or nothing, under the app hash of the header at the answer's height + 1 —
/// the header that commits to the state after block `height`, which the light client verifies.
/// An answer without a proof (another app, a path with no proofs) is refused, not trusted.
enum LightProxyQuery {
    /// The query's URI arguments, strings as `0x` hex so no quoting is needed.
    static func arguments(path: String, data: Bytes, height: Int64) -> [String] {
        ["path=0x\(Array(path.utf8).hex)", "data=0x\(data.hex)", "height=\(height)", "prove=true"]
    }

    /// The primary's `response` object (CometBFT's `ResponseQuery` JSON); int64 as strings,
    /// bytes as base64 or null.
    static func response(_ json: JSONValue?) throws(RPCError) -> QueryResponse {
        guard let json else { throw bad("response", "missing") }
        var ops: [ProofOp] = []
        if case .array(let items)? = json["proofOps"]?["ops"] {
            for (index, item) in items.enumerated() {
                ops.append(ProofOp(type: try string(item["type"], "proofOps.ops[\(index)].type"),
                                   key: try bytes(item["key"], "proofOps.ops[\(index)].key"),
                                   data: try bytes(item["data"], "proofOps.ops[\(index)].data")))
            }
        }
        guard let code = UInt32(try string(json["code"], "code")) else { throw bad("code", "not a uint32") }
        guard let height = Int64(try string(json["height"], "height")) else { throw bad("height", "not an int64") }
        return QueryResponse(code: code, log: try string(json["log"], "log"), key: try bytes(json["key"], "key"),
                             value: try bytes(json["value"], "value"), proofOps: ops, height: height,
                             codespace: try string(json["codespace"], "codespace"))
    }

    /// Throws unless `response`'s proof shows `key` holds its value (or is absent) under `appHash`.
    /// An empty value is absent unless the proof shows the key set to empty bytes.
    static func check(_ response: QueryResponse, key: Bytes, appHash: Bytes) throws(RPCError) {
        guard !response.proofOps.isEmpty else {
            throw RPCError.internalError("primary's abci_query answer carries no proof: refused as unverifiable")
        }
        let value: Bytes? = response.value.isEmpty ? nil : response.value
        let proven = KVStoreProof.verify(appHash: appHash, key: key, value: value, proofOps: response.proofOps)
            || (value == nil && KVStoreProof.verify(appHash: appHash, key: key, value: [], proofOps: response.proofOps))
        guard proven else {
            throw RPCError.internalError("primary's abci_query answer for key 0x\(key.hex) at height \(response.height) does "
                                         + "not match the verified app hash \(appHash.upperHex) of height \(response.height + 1)")
        }
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(RPCError) -> String {
        switch value {
        case .string(let text)?: return text
        case .number(let text)?: return text
        case .null?, nil: return ""
        default: throw bad(field, "not a string")
        }
    }

    private static func bytes(_ value: JSONValue?, _ field: String) throws(RPCError) -> Bytes {
        let text = try string(value, field)
        guard let data = Data(base64Encoded: text) else { throw bad(field, "not base64") }
        return Bytes(data)
    }

    private static func bad(_ field: String, _ reason: String) -> RPCError {
        RPCError.internalError("primary's abci_query answer: \(field): \(reason)")
    }
}
