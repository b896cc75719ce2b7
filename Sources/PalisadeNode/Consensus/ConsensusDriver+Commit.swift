import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Deciding, executing and moving to the next height.
extension ConsensusDriver {
    /// +2/3 precommits for a block (paper L49). Executed at once if we hold the block; otherwise
    /// it waits for the block's parts (or block sync fetches it once peers have moved on).
    func decided(_ decision: Decision) async throws {
        guard decision.height == chain.nextHeight else { return }
        guard let block = blocks.block(decision.blockID) else {
            logger.notice("decided a block we do not hold yet; waiting for it",
                          metadata: ["height": "\(decision.height)", "block": "\(decision.blockID.hash.upperHex)"])
            pendingDecision = decision
            return
        }
        try await commitDecided(block, decision: decision)
    }

    /// The decided block is durable (its parts synced in the WAL) before FinalizeBlock, as
    /// CometBFT stores the block before executing it: a node that halts or crashes during
    /// execution rebuilds the block from its WAL and finishes the height when it comes back.
    func commitDecided(_ block: Block, decision: Decision) async throws {
        try syncLog()
        let extensions = voteExtensionsEnabled(at: decision.height) ? decision.extensions : nil
        try await apply(block, blockID: decision.blockID, commit: decision.commit, voteExtensions: extensions)
        scheduleNextHeight()
    }

    /// Executes and stores a decided block. `markHeight` appends the WAL's end-of-height marker
    /// after it (a decision of our own consensus); block sync passes false and marks the
    /// height once, synced, when it hands over to consensus (`closeSyncedHeights`).
    /// `verifiedLastCommit`: the previous block's commit, when block sync verified it.
    /// `voteExtensions`: `commit`'s extensions, stored with it (nil before the enable height).
    /// `blockBytes`: the block's encoding, when block sync received it.
    func apply(_ block: Block, blockBytes: Bytes? = nil, blockID: BlockID, commit: Commit,
               voteExtensions: [VoteExtension]? = nil, markHeight: Bool = true,
               verifiedLastCommit: Commit? = nil) async throws {
        let outcome = try await executor.apply(block, blockBytes: blockBytes, blockID: blockID, commit: commit,
                                               voteExtensions: voteExtensions, to: chain,
                                               verifiedLastCommit: verifiedLastCommit)
        if metrics.isEnabled {
            metrics.consensus.blockCommitted(block, sizeBytes: blockBytes?.count ?? block.protobuf.count, before: chain,
                                             at: now)
        }
        chain = outcome.state
        lastCommit = commit
        logPruning(outcome.pruning)
        lastCommitExtensions = voteExtensions ?? []
        // The height is stored; replay after a restart starts after this marker.
        if markHeight { try markStored(block.header.height) }
        counters.blocksCommitted += 1
        let results = outcome.response.txResults
        metrics.mempool.rechecked(await mempool.update(height: block.header.height, committedTxs: block.data.txs,
                                                       results: results))
        await evidence.blockCommitted(block, state: chain)
        logger.info("committed block", metadata: [
            "height": "\(block.header.height)", "hash": "\(blockID.hash.upperHex)", "txs": "\(block.data.txs.count)",
            "app_hash": "\(outcome.response.appHash.upperHex)"])
        observer.publish(.newBlock(CommittedBlock(block: block, blockID: blockID, commit: commit,
                                                  response: outcome.response, state: outcome.state,
                                                  encodedSize: blockBytes?.count)))
    }

    /// The store's base after the app's retain height, as peers are told (`roundState`).
    private func logPruning(_ pruning: Result<ChainStorePruning, BlockExecutor.PruningFailure>?) {
        switch pruning {
        case .success(let done)?:
            storedBase = done.base
            logger.debug("pruned blocks", metadata: ["pruned": "\(done.pruned)", "base": "\(done.base)"])
        case .failure(let failure)?:
            logger.error("failed to prune blocks", metadata: ["retain_height": "\(failure.retainHeight)",
                                                              "err": "\(failure.reason)"])
        case nil:
            break
        }
    }

    /// The WAL's marker that `height` is stored and committed, appended without a sync of its
    /// own: the sync before our next vote covers it, and a crash that loses it loses nothing,
    /// since the store decides what was committed and start-up writes a missing marker
    /// (ARCHITECTURE §5 rule 4).
    private func markStored(_ height: Int64) throws {
        try appendToLog(.endHeight(height))
        try compactLog(after: height)
    }

    /// The WAL's marker that `height` is stored and committed, synced: block sync's hand-over to
    /// consensus, for the heights it applied.
    func writeEndHeight(_ height: Int64) throws {
        try appendToLog(.endHeight(height))
        try syncLog()
        try compactLog(after: height)
    }

    private func compactLog(after height: Int64) throws {
        do { try wal.heightStored(height) } catch { throw NodeError.storage("WAL \(wal.path): \(error)") }
    }

    /// CometBFT waits `timeout_commit` after a decision so the next block's LastCommit carries
    /// the late precommits too.
    private func scheduleNextHeight() {
        clock.schedule(.startHeight(chain.nextHeight), afterMilliseconds: config.timeoutCommit, for: self)
    }

    /// Begins `chain.nextHeight` (paper L10). The core logs the start as the WAL's marker for the
    /// height; everything kept for the previous height is dropped.
    func startHeight() async throws {
        let height = chain.nextHeight
        let extended = currentLastExtendedCommit()
        lastCommit = extended?.commit
        lastCommitExtensions = extended?.extensions ?? []
        resetHeightCaches()
        if core.height >= height {
            // The core is past this height (it cannot be, except after a catch-up raced a
            // decision); start over from a fresh core.
            core = ConsensusState(chainID: chainID, validatorAddress: signer?.address, config: config)
        }
        let start = HeightStart(height: height, validators: chain.validators, lastBlockTime: chain.lastBlockTime,
                                now: now)
        try await feed(.startHeight(start))
        await transmit(reactor.flushAll())
    }

    func resetHeightCaches() {
        reactor.begin(height: chain.nextHeight)
        blocks.reset()
        pendingDecision = nil
        walAhead = []
    }
}
