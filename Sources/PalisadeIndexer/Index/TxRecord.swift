import PalisadeABCI
import PalisadeProto
import SwiftProtobuf

/// One executed transaction as `tx` and `tx_search` return it (CometBFT's `abci.TxResult`).
public struct TxRecord: Sendable, Hashable {
    /// SHA-256 of `tx`.
    public var hash: Bytes
    public var height: Int64
    /// Position in its block.
    public var index: UInt32
    public var tx: Bytes
    public var result: TxResult

    public init(hash: Bytes, height: Int64, index: UInt32, tx: Bytes, result: TxResult) {
        self.hash = hash
        self.height = height
        self.index = index
        self.tx = tx
        self.result = result
    }
}

/// A transaction of a block to index, with the app's full result (events included).
public struct IndexedTx: Sendable, Hashable {
    public var tx: Bytes
    public var index: UInt32
    public var result: TxResult

    public init(tx: Bytes, index: UInt32, result: TxResult) {
        self.tx = tx
        self.index = index
        self.result = result
    }
}

/// Everything the indexer needs from one committed block.
public struct IndexBlock: Sendable, Hashable {
    public var height: Int64
    public var txs: [IndexedTx]
    /// `FinalizeBlockResponse.events`: the block's own events, searched by `block_search`.
    public var blockEvents: [Event]

    public init(height: Int64, txs: [IndexedTx], blockEvents: [Event]) {
        self.height = height
        self.txs = txs
        self.blockEvents = blockEvents
    }

    /// Pairs a block's transactions with the app's `FinalizeBlock` answer, in block order.
    public init(height: Int64, txs: [Bytes], response: FinalizeBlockResponse) throws(IndexerError) {
        guard txs.count == response.txResults.count else {
            throw .resultCountMismatch(height: height, txs: txs.count, results: response.txResults.count)
        }
        self.init(height: height,
                  txs: zip(txs, response.txResults).enumerated().map { i, pair in
                      IndexedTx(tx: pair.0, index: UInt32(i), result: pair.1)
                  },
                  blockEvents: response.events)
    }
}

/// The stored form of a result: `tendermint.abci.ExecTxResult` protobuf bytes, every field kept
/// (log, info, events), since `tx` and `tx_search` return them all.
enum StoredResult {
    static func encode(_ result: TxResult) -> Bytes {
        CanonicalEncoding.encode(result.proto)
    }

    static func decode(_ bytes: Bytes, hash: String) throws(IndexerError) -> TxResult {
        do {
            return TxResult(proto: try Tendermint_Abci_ExecTxResult(serializedBytes: bytes))
        } catch {
            throw .corruptRecord(table: "txs", row: hash, reason: "result is not an ExecTxResult (\(error))")
        }
    }
}
