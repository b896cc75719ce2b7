import PalisadeTypes

/// What RPC `blockchain` and `header` answer without loading the block body: CometBFT's `BlockMeta`.
public struct BlockMeta: Sendable, Hashable {
    public var blockID: BlockID
    /// The length of the block's protobuf encoding, the bytes that were split into parts.
    public var blockSize: Int
    public var header: Header
    public var numTxs: Int

    public init(blockID: BlockID, blockSize: Int, header: Header, numTxs: Int) {
        self.blockID = blockID
        self.blockSize = blockSize
        self.header = header
        self.numTxs = numTxs
    }
}

/// The commit for a height, and which one it is. The canonical commit is the one the next block
/// carries as its `LastCommit`, fixed for ever; until that block exists the only commit is the
/// +2/3 this node saw, which another node may have seen with different signatures. CometBFT's RPC
/// `commit` reports the difference as `canonical`.
public struct StoredCommit: Sendable, Hashable {
    public var commit: Commit
    public var isCanonical: Bool

    public init(commit: Commit, isCanonical: Bool) {
        self.commit = commit
        self.isCanonical = isCanonical
    }
}

/// Where a transaction was committed: the block height and its position in the block's data.
public struct TxLocation: Sendable, Hashable {
    public var height: Int64
    public var index: Int

    public init(height: Int64, index: Int) {
        self.height = height
        self.index = index
    }
}
