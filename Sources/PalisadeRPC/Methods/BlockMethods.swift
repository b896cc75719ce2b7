import PalisadeCrypto
import PalisadeTypes

/// `blockchain`, `block`, `block_by_hash`, `header`, `header_by_hash`, `block_results`, `commit`.
enum BlockMethods {
    /// CometBFT returns at most 20 block metas per `blockchain` call.
    static let blockchainLimit: Int64 = 20

    static func register(into t: inout [String: RPCMethod]) {
        t["blockchain"] = RPCMethod(["minHeight", "maxHeight"]) { params, call in
            let range = try await call.backend.blockStoreRange()
            let (low, high) = try filterMinMax(base: range.base, height: range.height,
                                               min: try params.int64("minHeight") ?? 0,
                                               max: try params.int64("maxHeight") ?? 0)
            var metas: [JSONValue] = []
            var h = high
            while h >= low {
                if let b = try await call.backend.block(at: h) { metas.append(TypesJSON.blockMeta(b)) }
                h -= 1
            }
            return .obj(["last_height": .int64(range.height), "block_metas": .array(metas)])
        }
        t["block"] = RPCMethod(["height"]) { params, call in
            let height = try await call.storedHeight(try params.int64("height"))
            return blockResult(try await call.backend.block(at: height))
        }
        t["block_by_hash"] = RPCMethod(["hash"]) { params, call in
            blockResult(try await call.backend.block(hash: try params.bytes("hash") ?? []))
        }
        t["header"] = RPCMethod(["height"]) { params, call in
            let height = try await call.storedHeight(try params.int64("height"))
            return .obj(["header": try await call.backend.block(at: height).map { TypesJSON.header($0.block.header) } ?? .null])
        }
        t["header_by_hash"] = RPCMethod(["hash"]) { params, call in
            let block = try await call.backend.block(hash: try params.bytes("hash") ?? [])
            return .obj(["header": block.map { TypesJSON.header($0.block.header) } ?? .null])
        }
        t["block_results"] = RPCMethod(["height"]) { params, call in
            let height = try await call.storedHeight(try params.int64("height"))
            guard let results = try await call.backend.blockResults(at: height) else {
                throw RPCError.internalError("could not find results for height #\(height)")
            }
            return ABCIJSON.blockResults(height: height, results)
        }
        t["commit"] = RPCMethod(["height"]) { params, call in
            let height = try await call.storedHeight(try params.int64("height"))
            guard let signed = try await call.backend.commit(at: height) else {
                throw RPCError.internalError("could not find commit for height #\(height)")
            }
            return .obj(["signed_header": .obj(["header": TypesJSON.header(signed.header),
                                                "commit": TypesJSON.commit(signed.commit)]),
                         "canonical": .bool(signed.canonical)])
        }
    }

    /// A missing block is not an error in CometBFT: an empty ID and a `null` block.
    static func blockResult(_ b: StoredBlock?) -> JSONValue {
        guard let b else { return .obj(["block_id": TypesJSON.blockID(.zero), "block": .null]) }
        return TypesJSON.stored(b)
    }

    /// CometBFT's `filterMinMax`: defaults, clamping to the store, and at most
    /// `blockchainLimit` heights ending at `max`.
    static func filterMinMax(base: Int64, height: Int64, min requestedMin: Int64,
                             max requestedMax: Int64) throws(RPCError) -> (Int64, Int64) {
        guard requestedMin >= 0, requestedMax >= 0 else { throw .internalError("heights must be non-negative") }
        var low = requestedMin == 0 ? 1 : requestedMin
        var high = requestedMax == 0 ? height : requestedMax
        high = Swift.min(height, high)
        low = Swift.max(base, low)
        // `high - limit + 1` cannot overflow: high <= height, a real store height.
        low = Swift.max(low, high - blockchainLimit + 1)
        guard low <= high else { throw .internalError("min height \(low) can't be greater than max height \(high)") }
        return (low, high)
    }
}
