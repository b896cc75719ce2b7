import Foundation
import PalisadeCrypto
import PalisadeTypes

/// `tx`, `tx_search`, `block_search`, `unconfirmed_txs`, `num_unconfirmed_txs`,
/// `broadcast_tx_async|sync|commit`, `check_tx`.
enum TxMethods {
    /// CometBFT refuses longer search queries.
    static let maxQueryLength = 512

    static func register(into t: inout [String: RPCMethod]) {
        t["tx"] = RPCMethod(["hash", "prove"]) { params, call in
            let hash = try params.bytes("hash") ?? []
            guard let tx = try await call.backend.tx(hash: hash) else {
                throw RPCError.internalError("tx (\(hash.upperHex)) not found")
            }
            return try await resultTx(tx, prove: try params.bool("prove") ?? false, call: call)
        }
        t["tx_search"] = RPCMethod(["query", "prove", "page", "per_page", "order_by"]) { params, call in
            let (query, page, perPage, order) = try searchArguments(params)
            let prove = try params.bool("prove") ?? false
            let found = try await call.backend.txSearch(query: query, page: page, perPage: perPage, order: order)
            _ = try RPCCall.page(page, perPage: perPage, total: found.totalCount)
            var txs: [JSONValue] = []
            for tx in found.items { txs.append(try await resultTx(tx, prove: prove, call: call)) }
            return .obj(["txs": .array(txs), "total_count": .int64(Int64(found.totalCount))])
        }
        t["block_search"] = RPCMethod(["query", "page", "per_page", "order_by"]) { params, call in
            let (query, page, perPage, order) = try searchArguments(params)
            let found = try await call.backend.blockSearch(query: query, page: page, perPage: perPage, order: order)
            _ = try RPCCall.page(page, perPage: perPage, total: found.totalCount)
            var blocks: [JSONValue] = []
            for height in found.items {
                if let b = try await call.backend.block(at: height) { blocks.append(TypesJSON.stored(b)) }
            }
            return .obj(["blocks": .array(blocks), "total_count": .int64(Int64(found.totalCount))])
        }
        t["unconfirmed_txs"] = RPCMethod(["limit"]) { params, call in
            let u = try await call.backend.unconfirmedTxs(limit: RPCCall.perPage(try params.int("limit")))
            return unconfirmed(u, txs: .array(u.txs.map { .base64($0) }))
        }
        t["num_unconfirmed_txs"] = RPCMethod { _, call in
            unconfirmed(try await call.backend.numUnconfirmedTxs(), txs: .null)
        }
        t["broadcast_tx_async"] = RPCMethod(["tx"]) { params, call in
            let tx = try params.bytes("tx") ?? []
            try await call.backend.broadcastTxAsync(tx)
            return .obj(["code": .int(0), "data": .string(""), "log": .string(""), "codespace": .string(""),
                         "hash": .hex(SHA256Hash.digest(tx))])
        }
        t["broadcast_tx_sync"] = RPCMethod(["tx"]) { params, call in
            let tx = try params.bytes("tx") ?? []
            let r = try await call.backend.broadcastTxSync(tx)
            return .obj(["code": .int(r.code), "data": .hex(r.data), "log": .string(r.log),
                         "codespace": .string(r.codespace), "hash": .hex(SHA256Hash.digest(tx))])
        }
        t["broadcast_tx_commit"] = RPCMethod(["tx"]) { params, call in
            let tx = try params.bytes("tx") ?? []
            let r = try await call.backend.broadcastTxCommit(tx)
            return .obj(["check_tx": ABCIJSON.checkTx(r.checkTx), "tx_result": ABCIJSON.execTxResult(r.txResult),
                         "hash": .hex(SHA256Hash.digest(tx)), "height": .int64(r.height)])
        }
        t["check_tx"] = RPCMethod(["tx"]) { params, call in
            ABCIJSON.checkTx(try await call.backend.checkTx(try params.bytes("tx") ?? []))
        }
    }

    static func searchArguments(_ params: RPCParams) throws(RPCError) -> (String, Int, Int, RPCSearchOrder) {
        let query = try params.string("query") ?? ""
        guard query.utf8.count <= maxQueryLength else { throw .internalError("maximum query length exceeded") }
        let order: RPCSearchOrder
        switch try params.string("order_by") ?? "" {
        case "", "asc": order = .ascending
        case "desc": order = .descending
        default: throw .internalError("expected order_by to be either `asc` or `desc` or empty")
        }
        let perPage = RPCCall.perPage(try params.int("per_page"))
        let page = try params.int("page") ?? 1
        guard page >= 1 else { throw .internalError("page should be within [1, N] range, given \(page)") }
        return (query, page, perPage, order)
    }

    static func unconfirmed(_ u: UnconfirmedTxs, txs: JSONValue) -> JSONValue {
        .obj(["n_txs": .int64(Int64(u.txs.count)), "total": .int64(Int64(u.total)),
              "total_bytes": .int64(u.totalBytes), "txs": txs])
    }

    /// `ResultTx`; with `prove`, the merkle proof of the tx's hash in the block's `data_hash`.
    static func resultTx(_ tx: IndexedTx, prove: Bool, call: RPCCall) async throws -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("hash", .hex(tx.hash)),
            JSONMember("height", .int64(tx.height)),
            JSONMember("index", .int(tx.index)),
            JSONMember("tx_result", ABCIJSON.execTxResult(tx.result)),
            JSONMember("tx", .base64(tx.tx)),
        ]
        if prove {
            guard let block = try await call.backend.block(at: tx.height) else {
                throw RPCError.internalError("block at height \(tx.height) not found")
            }
            let leaves = block.block.data.txs.map { SHA256Hash.digest($0) }
            let (root, proofs) = Merkle.proofs(leaves)
            guard proofs.indices.contains(Int(tx.index)) else {
                throw RPCError.internalError("tx index \(tx.index) out of range for block \(tx.height)")
            }
            let p = proofs[Int(tx.index)]
            members.append(JSONMember("proof", .obj([
                "root_hash": .hex(root),
                "data": .base64(tx.tx),
                "proof": .obj(["total": .int64(Int64(p.total)), "index": .int64(Int64(p.index)),
                               "leaf_hash": .base64(p.leafHash), "aunts": .array(p.aunts.map { .base64($0) })]),
            ])))
        }
        return .object(members)
    }
}
