import PalisadeTypes

/// Beginning a height, and the waits CometBFT puts before it (`BlockProduction`): with
/// `create_empty_blocks = false` a new height waits until the mempool reports transactions, a
/// peer shows it runs the height, or `create_empty_blocks_interval` passes; with
/// `skip_timeout_commit` the next height begins as soon as every validator's precommit is in.
///
/// CometBFT waits in its `NewRound` step, where only a complete proposal moves it on; here the
/// height is not handed to the core at all while waiting, and any proposal or vote of the
/// height from a peer ends the wait: that peer has begun the height (it has transactions, its
/// interval passed, or a proof block is due), and joining it costs at most a round. The wait is
/// only ever for liveness: a forged message can end it early, never make anything unsafe.
extension ConsensusDriver {
    /// Begins `chain.nextHeight` now, or waits for a reason to.
    func enterHeight() async throws {
        let height = chain.nextHeight
        if production.waitsForTxs {
            let proofNeeded = try proofBlockNeeded(at: height)
            let hasTxs = await mempool.size > 0
            if !production.beginsAtOnce(proofBlockNeeded: proofNeeded, mempoolHasTxs: hasTxs) {
                awaitingTxs = height
                if production.createEmptyBlocksInterval > 0 {
                    clock.schedule(.createEmptyBlocksInterval(height), afterMilliseconds: production.createEmptyBlocksInterval,
                                   for: self)
                }
                logger.debug("waiting for transactions", metadata: ["height": "\(height)"])
                return
            }
        }
        awaitingTxs = nil
        try await startHeight()
    }

    /// Ends the wait at `height`, if the node still waits there.
    func stopWaiting(at height: Int64, because reason: String) async throws {
        guard awaitingTxs == height, height == chain.nextHeight, core.height < height, !syncing else { return }
        awaitingTxs = nil
        logger.debug("beginning the height", metadata: ["height": "\(height)", "reason": "\(reason)"])
        try await startHeight()
    }

    /// A peer's proposal or vote for the height we wait at: it has begun the height.
    func peerBeganHeight(_ message: ConsensusWireMessage, from peer: String) async throws {
        guard let waiting = awaitingTxs else { return }
        let height: Int64
        switch message {
        case .proposal(let proposal): height = proposal.height
        case .vote(let vote): height = vote.height
        case .blockPart, .newRoundStep: return
        }
        if height == waiting { try await stopWaiting(at: height, because: "\(peer) is at the height") }
    }

    /// CometBFT's `needProofBlock`: the first height, or one whose previous block's header
    /// carries another app hash than executing that block gave. Committing that new hash takes
    /// the next header, so that block is made with or without transactions.
    func proofBlockNeeded(at height: Int64) throws -> Bool {
        guard height > chain.initialHeight else { return true }
        let previous: Block?
        do { previous = try store.block(at: height - 1) } catch {
            throw NodeError.storage("reading block \(height - 1): \(error)")
        }
        guard let previous else { return true }
        return previous.header.appHash != chain.appHash
    }

    /// `skip_timeout_commit`: while waiting out `timeout_commit`, once the last commit holds a
    /// precommit from every validator (CometBFT's `HasAll`), the next height is due now.
    func skipTimeoutCommitIfAllPrecommitted() {
        guard production.skipTimeoutCommit, !syncing, awaitingTxs == nil, core.height == chain.lastBlockHeight,
              commitTimeoutSkipped < chain.nextHeight, let commit = currentLastExtendedCommit()?.commit,
              commit.height == chain.lastBlockHeight,
              !commit.signatures.isEmpty, commit.signatures.allSatisfy({ $0.blockIDFlag != .absent }) else { return }
        commitTimeoutSkipped = chain.nextHeight
        clock.schedule(.startHeight(chain.nextHeight), afterMilliseconds: 0, for: self)
    }
}
