import PalisadeABCI
import PalisadeCrypto
import PalisadeTypes

/// The heights the block store holds: `base...height`. Both are 0 for an empty store.
public struct BlockStoreRange: Sendable, Hashable {
    public var base: Int64
    public var height: Int64

    public init(base: Int64, height: Int64) {
        self.base = base
        self.height = height
    }
}

/// A stored block with the ID it was committed under and its protobuf size (CometBFT's
/// `BlockMeta.block_size`).
public struct StoredBlock: Sendable, Hashable {
    public var blockID: BlockID
    public var block: Block
    public var size: Int

    public init(blockID: BlockID, block: Block, size: Int) {
        self.blockID = blockID
        self.block = block
        self.size = size
    }

    /// Computes the ID and size from the block (cuts it into parts: fine for tests and small
    /// blocks; a store should keep both).
    public init(block: Block) {
        let bytes = block.protobuf
        self.init(blockID: BlockID(hash: block.header.hash(), partSetHeader: PartSet(data: bytes).header),
                  block: block, size: bytes.count)
    }
}

/// A header with the commit that signs it (`/commit`).
public struct SignedHeader: Sendable, Hashable {
    public var header: Header
    public var commit: Commit
    /// `true` when the commit is the next block's `LastCommit` (final); `false` for the latest
    /// height, whose commit is the one this node happened to see.
    public var canonical: Bool

    public init(header: Header, commit: Commit, canonical: Bool) {
        self.header = header
        self.commit = commit
        self.canonical = canonical
    }
}

/// A committed transaction with its result, as the indexer stores it.
public struct IndexedTx: Sendable, Hashable {
    public var height: Int64
    /// Position in the block.
    public var index: UInt32
    public var tx: Bytes
    public var result: TxResult

    public init(height: Int64, index: UInt32, tx: Bytes, result: TxResult) {
        self.height = height
        self.index = index
        self.tx = tx
        self.result = result
    }

    /// SHA-256 of the transaction: the key it is found by.
    public var hash: Bytes { SHA256Hash.digest(tx) }
}

/// `order_by` of the search methods (PalisadeIndexer's `SearchOrder`, case for case).
public enum RPCSearchOrder: String, Sendable, Hashable {
    case ascending = "asc"
    case descending = "desc"
}

/// One page of search results and how many matched in all (PalisadeIndexer's `SearchPage`).
public struct RPCSearchPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var totalCount: Int

    public init(items: [Item], totalCount: Int) {
        self.items = items
        self.totalCount = totalCount
    }
}

/// `/unconfirmed_txs` and `/num_unconfirmed_txs`.
public struct UnconfirmedTxs: Sendable, Hashable {
    /// The transactions returned (empty for `num_unconfirmed_txs`).
    public var txs: [Bytes]
    /// All transactions in the mempool.
    public var total: Int
    public var totalBytes: Int64

    public init(txs: [Bytes], total: Int, totalBytes: Int64) {
        self.txs = txs
        self.total = total
        self.totalBytes = totalBytes
    }
}

/// `broadcast_tx_commit`: CheckTx's answer and, when it passed and the tx was committed, the
/// FinalizeBlock result and height. A failed CheckTx leaves `txResult` empty and `height` 0.
public struct BroadcastTxCommitResult: Sendable, Hashable {
    public var checkTx: CheckTxResponse
    public var txResult: TxResult
    public var height: Int64

    public init(checkTx: CheckTxResponse, txResult: TxResult = TxResult(), height: Int64 = 0) {
        self.checkTx = checkTx
        self.txResult = txResult
        self.height = height
    }
}
