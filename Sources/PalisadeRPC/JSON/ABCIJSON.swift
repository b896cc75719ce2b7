import Foundation
import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// CometBFT's JSON for ABCI messages. Two dialects exist because Go reaches them two ways:
/// results returned by the RPC handlers go through the protobuf JSON marshaller with defaults
/// emitted (`code: 0`, `"events": []`, empty bytes `null`); results inside subscription events
/// go through plain struct tags, where zero fields are omitted (`omitempty`).
enum ABCIJSON {
    static func attribute(_ a: EventAttribute) -> JSONValue {
        .obj(["key": .string(a.key), "value": .string(a.value), "index": .bool(a.index)])
    }

    static func event(_ e: Event) -> JSONValue {
        .obj(["type": .string(e.type), "attributes": .array(e.attributes.map(attribute))])
    }

    /// `ExecTxResult` with defaults emitted (tx, tx_search, block_results, broadcast_tx_commit).
    static func execTxResult(_ r: TxResult) -> JSONValue {
        .obj(["code": .int(r.code),
              "data": .base64OrNull(r.data),
              "log": .string(r.log),
              "info": .string(r.info),
              "gas_wanted": .int64(r.gasWanted),
              "gas_used": .int64(r.gasUsed),
              "events": .array(r.events.map(event)),
              "codespace": .string(r.codespace)])
    }

    /// `ExecTxResult` inside an event: zero fields omitted.
    static func execTxResultOmitEmpty(_ r: TxResult) -> JSONValue {
        var m: [JSONMember] = []
        if r.code != 0 { m.append(JSONMember("code", .int(r.code))) }
        if !r.data.isEmpty { m.append(JSONMember("data", .base64(r.data))) }
        if !r.log.isEmpty { m.append(JSONMember("log", .string(r.log))) }
        if !r.info.isEmpty { m.append(JSONMember("info", .string(r.info))) }
        if r.gasWanted != 0 { m.append(JSONMember("gas_wanted", .int64(r.gasWanted))) }
        if r.gasUsed != 0 { m.append(JSONMember("gas_used", .int64(r.gasUsed))) }
        if !r.events.isEmpty { m.append(JSONMember("events", .array(r.events.map(event)))) }
        if !r.codespace.isEmpty { m.append(JSONMember("codespace", .string(r.codespace))) }
        return .object(m)
    }

    static func checkTx(_ r: CheckTxResponse) -> JSONValue {
        .obj(["code": .int(r.code),
              "data": .base64OrNull(r.data),
              "log": .string(r.log),
              "info": .string(r.info),
              "gas_wanted": .int64(r.gasWanted),
              "gas_used": .int64(r.gasUsed),
              "events": .array(r.events.map(event)),
              "codespace": .string(r.codespace)])
    }

    static func info(_ r: InfoResponse) -> JSONValue {
        .obj(["data": .string(r.data),
              "version": .string(r.version),
              "app_version": .uint64(r.appVersion),
              "last_block_height": .int64(r.lastBlockHeight),
              "last_block_app_hash": .base64OrNull(r.lastBlockAppHash)])
    }

    static func query(_ r: QueryResponse) -> JSONValue {
        let proof: JSONValue = r.proofOps.isEmpty ? .null : .obj(["ops": .array(r.proofOps.map { op in
            .obj(["type": .string(op.type), "key": .base64OrNull(op.key), "data": .base64OrNull(op.data)])
        })])
        return .obj(["code": .int(r.code),
                     "log": .string(r.log),
                     "info": .string(r.info),
                     "index": .int64(r.index),
                     "key": .base64OrNull(r.key),
                     "value": .base64OrNull(r.value),
                     "proofOps": proof,
                     "height": .int64(r.height),
                     "codespace": .string(r.codespace)])
    }

    /// `abci.ValidatorUpdate`: its key is the protobuf `PublicKey` oneof, which Go's JSON renders
    /// as the registered oneof wrapper.
    static func validatorUpdate(_ u: ValidatorUpdate) -> JSONValue {
        .obj(["pub_key": .obj(["Sum": .obj(["type": .string("tendermint.crypto.PublicKey_Ed25519"),
                                            "value": .obj(["ed25519": .base64(u.publicKey.bytes)])])]),
              "power": .int64(u.power)])
    }

    static func paramsUpdate(_ u: ConsensusParamsUpdate) -> JSONValue {
        .obj(["block": u.block.map(TypesJSON.blockParams) ?? .null,
              "evidence": u.evidence.map(TypesJSON.evidenceParams) ?? .null,
              "validator": u.validator.map(TypesJSON.validatorParams) ?? .null,
              "version": u.version.map { .obj(["app": .uint64($0.app)]) } ?? .null,
              "abci": u.abci.map(TypesJSON.abciParams) ?? .null])
    }

    /// `/block_results`: Go's nil slices (nothing returned) are `null`, as CometBFT sends them.
    static func blockResults(height: Int64, _ r: FinalizeBlockResponse) -> JSONValue {
        .obj(["height": .int64(height),
              "txs_results": r.txResults.isEmpty ? .null : .array(r.txResults.map(execTxResult)),
              "finalize_block_events": r.events.isEmpty ? .null : .array(r.events.map(event)),
              "validator_updates": r.validatorUpdates.isEmpty ? .null : .array(r.validatorUpdates.map(validatorUpdate)),
              "consensus_param_updates": r.consensusParamUpdates.map(paramsUpdate) ?? .null,
              "app_hash": .base64OrNull(r.appHash)])
    }

    /// `ResponseFinalizeBlock` inside a NewBlock event: zero fields omitted, except the
    /// non-nullable `validator_updates`.
    static func finalizeBlockOmitEmpty(_ r: FinalizeBlockResponse) -> JSONValue {
        var m: [JSONMember] = []
        if !r.events.isEmpty { m.append(JSONMember("events", .array(r.events.map(event)))) }
        if !r.txResults.isEmpty { m.append(JSONMember("tx_results", .array(r.txResults.map(execTxResultOmitEmpty)))) }
        m.append(JSONMember("validator_updates", .array(r.validatorUpdates.map(validatorUpdate))))
        if let u = r.consensusParamUpdates { m.append(JSONMember("consensus_param_updates", paramsUpdate(u))) }
        if !r.appHash.isEmpty { m.append(JSONMember("app_hash", .base64(r.appHash))) }
        return .object(m)
    }
}
