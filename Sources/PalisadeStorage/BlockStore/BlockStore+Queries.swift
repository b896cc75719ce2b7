import Foundation
import GRDB
import PalisadeABCI
import PalisadeCrypto
import PalisadeProto
import PalisadeState
import PalisadeTypes
import SwiftProtobuf

/// Reads. Absent heights give `nil` (an RPC's "height not available"), a row that does not
/// decode gives `.corruptRecord` naming the table and height.
extension BlockStore {
    /// The highest stored block, 0 when there is none (as the app's `Info` reports before block 1).
    public func latestHeight() throws(BlockStoreError) -> Int64 {
        try read("read latest height") { db in try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") ?? 0 }
    }

    /// The lowest stored block, 0 when there is none.
    public func baseHeight() throws(BlockStoreError) -> Int64 {
        try read("read base height") { db in try Int64.fetchOne(db, sql: "SELECT MIN(height) FROM blocks") ?? 0 }
    }

    public func block(at height: Int64) throws(BlockStoreError) -> Block? {
        let operation = "read block at height \(height)"
        guard let bytes = try blockBytes(at: height) else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in try Block(protobuf: bytes) }
    }

    /// Block `height` as stored: its protobuf encoding, the bytes `block(at:)` decodes. Block
    /// sync serves these as they are instead of decoding and encoding the block again.
    public func blockBytes(at height: Int64) throws(BlockStoreError) -> Bytes? {
        try blob("read block at height \(height)", sql: "SELECT block FROM blocks WHERE height = ?", height)
    }

    /// The block whose header hash is `hash`.
    public func block(hash: Bytes) throws(BlockStoreError) -> Block? {
        let operation = "read block with hash \(hash.upperHex)"
        guard let bytes = try blob(operation, sql: "SELECT block FROM blocks WHERE hash = ?", Data(hash)) else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in try Block(protobuf: bytes) }
    }

    /// The height of the block whose header hash is `hash`.
    public func height(ofBlockHash hash: Bytes) throws(BlockStoreError) -> Int64? {
        try read("read height of block \(hash.upperHex)") { db in
            try Int64.fetchOne(db, sql: "SELECT height FROM blocks WHERE hash = ?", arguments: [Data(hash)])
        }
    }

    public func blockID(at height: Int64) throws(BlockStoreError) -> BlockID? {
        let operation = "read block ID at height \(height)"
        guard let bytes = try blob(operation, sql: "SELECT block_id FROM blocks WHERE height = ?", height) else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in
            try BlockID(proto: try Self.message(Tendermint_Types_BlockID.self, bytes, "BlockID"))
        }
    }

    public func blockMeta(at height: Int64) throws(BlockStoreError) -> BlockMeta? {
        try blockMetas(from: height, through: height).first
    }

    /// The metas of the stored blocks in `from...through`, lowest height first; heights not stored
    /// (below the base, above the latest) are simply absent. CometBFT's RPC `blockchain` lists
    /// them highest first: reverse the array.
    public func blockMetas(from: Int64, through: Int64) throws(BlockStoreError) -> [BlockMeta] {
        let operation = "read block metas \(from)...\(through)"
        guard from <= through else { return [] }
        let rows = try read(operation) { db in
            try Row.fetchAll(db, sql: """
                SELECT height, block_id, header, size, num_txs FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height
                """, arguments: [from, through]).map { row in
                // `decode` throws on a value of the wrong type, where the subscript would trap.
                (height: try row.decode(Int64.self, forColumn: "height"),
                 blockID: Bytes(try row.decode(Data.self, forColumn: "block_id")),
                 header: Bytes(try row.decode(Data.self, forColumn: "header")),
                 size: try row.decode(Int.self, forColumn: "size"), numTxs: try row.decode(Int.self, forColumn: "num_txs"))
            }
        }
        var metas: [BlockMeta] = []
        metas.reserveCapacity(rows.count)
        for row in rows {
            let at = "read block meta at height \(row.height)"
            let blockID = try decode(at) { () throws(PalisadeTypes.DecodingError) in
                try BlockID(proto: try Self.message(Tendermint_Types_BlockID.self, row.blockID, "BlockID"))
            }
            let header = try decode(at) { () throws(PalisadeTypes.DecodingError) in try Header(protobuf: row.header) }
            metas.append(BlockMeta(blockID: blockID, blockSize: row.size, header: header, numTxs: row.numTxs))
        }
        return metas
    }

    /// The commit for `height` as CometBFT's RPC `commit` answers: the canonical one (the next
    /// block's `LastCommit`) when the next block is stored, else the one this node saw.
    public func commit(at height: Int64) throws(BlockStoreError) -> StoredCommit? {
        if let canonical = try commit(table: "canonical_commits", height: height) {
            return StoredCommit(commit: canonical, isCanonical: true)
        }
        return try seenCommit(at: height).map { StoredCommit(commit: $0, isCanonical: false) }
    }

    /// The +2/3 precommits this node saw for the block at `height` (CometBFT's `SeenCommit`).
    public func seenCommit(at height: Int64) throws(BlockStoreError) -> Commit? {
        try commit(table: "seen_commits", height: height)
    }

    /// The state after the latest stored block, or the initial state if no block is stored yet;
    /// nil for a new store.
    public func latestState() throws(BlockStoreError) -> ChainState? {
        let operation = "read chain state"
        guard let bytes = try blob(operation, sql: "SELECT state FROM chain_state WHERE id = ?", 1) else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in try ChainStateCodec.decode(bytes) }
    }

    /// The set that signs the block at `height`, proposer priorities as of that height. Known from
    /// the initial height up to two heights past the latest block.
    public func validators(at height: Int64) throws(BlockStoreError) -> ValidatorSet? {
        let operation = "read validators at height \(height)"
        guard let bytes = try blob(operation, sql: "SELECT validator_set FROM validator_sets WHERE height = ?", height)
        else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in try ValidatorSet(protobuf: bytes) }
    }

    /// The parameters the block at `height` is made under; known up to one height past the latest block.
    public func consensusParams(at height: Int64) throws(BlockStoreError) -> ConsensusParams? {
        let operation = "read consensus params at height \(height)"
        guard let bytes = try blob(operation, sql: "SELECT params FROM consensus_params WHERE height = ?", height)
        else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in
            try ConsensusParams(proto: try Self.message(Tendermint_Types_ConsensusParams.self, bytes, "ConsensusParams"))
        }
    }

    /// The app's FinalizeBlock answer for the block at `height` (RPC `block_results`).
    public func finalizeBlockResponse(at height: Int64) throws(BlockStoreError) -> FinalizeBlockResponse? {
        let operation = "read finalize block response at height \(height)"
        guard let bytes = try blob(operation, sql: "SELECT response FROM finalize_block_responses WHERE height = ?", height)
        else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in
            try FinalizeBlockResponse(proto: try Self.message(Tendermint_Abci_ResponseFinalizeBlock.self, bytes,
                                                              "ResponseFinalizeBlock"))
        }
    }

    /// Where the transaction whose SHA-256 is `hash` was committed; a tx committed twice is found
    /// in the later block.
    public func txLocation(hash: Bytes) throws(BlockStoreError) -> TxLocation? {
        try read("read location of tx \(hash.upperHex)") { db in
            try Row.fetchOne(db, sql: "SELECT height, tx_index FROM tx_hashes WHERE hash = ?", arguments: [Data(hash)])
                .map { row in
                    TxLocation(height: try row.decode(Int64.self, forColumn: "height"),
                               index: try row.decode(Int.self, forColumn: "tx_index"))
                }
        }
    }

    // MARK: - Helpers

    private func commit(table: String, height: Int64) throws(BlockStoreError) -> Commit? {
        let operation = "read \(table) at height \(height)"
        guard let bytes = try blob(operation, sql: "SELECT commit_proto FROM \(table) WHERE height = ?", height)
        else { return nil }
        return try decode(operation) { () throws(PalisadeTypes.DecodingError) in try Commit(protobuf: bytes) }
    }

    /// Each reader connection compiles a lookup once and keeps it: serving block sync runs the
    /// same few per height.
    private func blob(_ operation: String, sql: String, _ key: some DatabaseValueConvertible & Sendable)
        throws(BlockStoreError) -> Bytes? {
        try read(operation) { db in try Data.fetchOne(db.cachedStatement(sql: sql), arguments: [key]).map { Bytes($0) } }
    }

    private func decode<T>(_ operation: String,
                           _ body: () throws(PalisadeTypes.DecodingError) -> T) throws(BlockStoreError) -> T {
        do {
            return try body()
        } catch {
            throw corrupt(operation, error.description)
        }
    }

    static func message<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: Bytes,
                                                  _ name: String) throws(PalisadeTypes.DecodingError) -> M {
        do {
            return try M(serializedBytes: bytes)
        } catch {
            throw PalisadeTypes.DecodingError(message: name, field: "(message)", reason: "malformed protobuf (\(error))")
        }
    }
}
