/// When the runtime begins a height and when it skips `timeout_commit`: `[consensus]`
/// `create_empty_blocks`, `create_empty_blocks_interval` and `skip_timeout_commit`, with
/// CometBFT's meaning. The core never waits for transactions; the runtime decides when to hand
/// it the height (`ConsensusDriver+WaitForTxs`), through its clock port, so the simulator
/// could drive the same waiting.
public struct BlockProduction: Sendable, Hashable {
    /// False: a height waits for transactions before its first round.
    public var createEmptyBlocks: Bool
    /// Milliseconds; not 0: a height waits at most this long for transactions, then begins
    /// anyway (whatever `createEmptyBlocks` says, as CometBFT does).
    public var createEmptyBlocksInterval: Int64
    /// Begin the next height as soon as every validator's precommit is in.
    public var skipTimeoutCommit: Bool

    public init(createEmptyBlocks: Bool = true, createEmptyBlocksInterval: Int64 = 0, skipTimeoutCommit: Bool = false) {
        self.createEmptyBlocks = createEmptyBlocks
        self.createEmptyBlocksInterval = createEmptyBlocksInterval
        self.skipTimeoutCommit = skipTimeoutCommit
    }

    /// CometBFT's `WaitForTxs`: whether a new height may wait at all.
    var waitsForTxs: Bool { !createEmptyBlocks || createEmptyBlocksInterval > 0 }

    /// Whether a height begins at once. It waits only when waiting is on, no proof block is due
    /// (`proofBlockNeeded`: CometBFT's `needProofBlock`, the first height or one after a block
    /// that changed the app hash, whose new hash only the next header carries) and no
    /// transaction waits in the mempool.
    func beginsAtOnce(proofBlockNeeded: Bool, mempoolHasTxs: Bool) -> Bool {
        !waitsForTxs || proofBlockNeeded || mempoolHasTxs
    }
}

extension ConsensusConfig {
    /// The block production settings of `[consensus]`.
    public var blockProduction: BlockProduction {
        BlockProduction(createEmptyBlocks: createEmptyBlocks, createEmptyBlocksInterval: createEmptyBlocksInterval,
                        skipTimeoutCommit: skipTimeoutCommit)
    }
}
