import Logging
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Block sync (CometBFT's blocksync reactor, done our way): a node more than a height behind its
/// peers stops running consensus, fetches decided blocks from many peers at once on channel 0x40,
/// verifies each against the validator set of its height and executes it through the same path
/// as a decision, then returns to consensus once it has caught up. It goes back to block sync
/// whenever it falls behind again (paused, partitioned, slow disk), which CometBFT v0.38 cannot.
/// Every node serves the blocks it stores, in chunks that fit the message limit.
extension ConsensusDriver {
    /// Block sync's lines are in CometBFT's `blocksync` module, so `log_level` selects them apart.
    var syncLogger: Logger { logger.module(LogModule.blockSync) }

    /// Heights behind the best peer at which consensus hands over to block sync at once. Less
    /// is normal for an instant (a peer committed first); it counts only when our height has not
    /// moved for `behindBeatsLimit` heartbeats while a peer reports more.
    static let syncLag: Int64 = 3
    static let behindBeatsLimit = 2

    /// The highest height a peer reports having stored, among peers block sync may ask (one
    /// that claimed a height and did not deliver it is not believed for a while).
    var bestPeerHeight: Int64 {
        reactor.storedHeights.filter { !sync.isExcluded($0.key, now: nowMilliseconds) }.values.max() ?? 0
    }

    /// The limits later sync sessions start from.
    func setSyncLimits(_ limits: BlockSyncPool.Limits) {
        syncLimits = limits
    }

    /// Tests lower the bytes served per peer between heartbeats.
    func setServedBytesLimit(_ limit: Int) {
        servedBytesLimit = limit
    }

    var nowMilliseconds: Int64 { now.seconds &* 1_000 &+ Int64(now.nanos / 1_000_000) }

    func receiveBlockSync(_ bytes: Bytes, from peer: String) async throws {
        let message: BlockSyncMessage
        do { message = try BlockSyncMessage(decoding: bytes) } catch {
            await reject(peer, "undecodable block sync message: \(error)")
            return
        }
        switch message {
        case .request(let height):
            await serve(height, to: peer)
        case .noBlock(let height):
            if !syncing || !sync.noBlock(height: height, from: peer, now: nowMilliseconds) { counters.staleMessages += 1 }
            try await requestBlocks()
        case let .chunk(height, index, total, data, commit, extendedCommit):
            guard syncing else {
                counters.staleMessages += 1
                return
            }
            switch sync.receive(height: height, index: index, total: total, data: data, commit: commit,
                                extendedCommit: extendedCommit, from: peer) {
            case .invalid(let reason):
                sync.exclude(peer, now: nowMilliseconds)
                await reject(peer, "block sync: \(reason)")
                try await requestBlocks()
            case .complete:
                sync.delivered(by: peer, now: nowMilliseconds)
                try await applySynced()
            case .unsolicited:
                // Late (its request timed out and went elsewhere) or never asked: drop it.
                counters.staleMessages += 1
            case .pending:
                sync.delivered(by: peer, now: nowMilliseconds)
            }
        }
    }

    /// Block bytes served to one peer between two heartbeats, at most. A request is a few bytes
    /// and its answer a whole block, so without a bound a peer could make us read and send
    /// blocks as fast as it can ask; past this it is answered "no block" (an honest syncing peer
    /// asks another peer, or us again a second later). 32 MiB a second is more than one peer
    /// needs to catch up at this machine's block rates.
    static let servedBytesPerHeartbeat = 32 << 20

    /// A peer asks for a stored block: all its chunks, or "no block". At a height with vote
    /// extensions the stored extended commit goes with it (without it the peer could not hand
    /// the extensions to PrepareProposal when it proposes next); a height that should have one
    /// and does not (pruned, or stored before this was kept) is "no block".
    private func serve(_ height: Int64, to peer: String) async {
        let extended = voteExtensionsEnabled(at: height) ? (try? store.extendedCommit(at: height)) ?? nil : nil
        guard servedBytes[peer, default: 0] < servedBytesLimit,
              height <= chain.lastBlockHeight, let block = try? store.blockBytes(at: height),
              let commit = try? store.decidedCommit(at: height), extended != nil || !voteExtensionsEnabled(at: height),
              let chunks = BlockSyncMessage.chunks(height: height, blockBytes: block, commit: commit, extended: extended)
        else {
            await network.send(to: peer, channel: NodeChannel.blockSync,
                               bytes: BlockSyncMessage.noBlock(height: height).encoded())
            return
        }
        servedBytes[peer, default: 0] += block.count
        for chunk in chunks {
            await network.send(to: peer, channel: NodeChannel.blockSync, bytes: chunk.encoded())
        }
    }

    /// On every heartbeat: hand over to block sync when behind, and while syncing, re-ask what
    /// timed out and return to consensus when caught up.
    func syncTick() async throws {
        let best = bestPeerHeight
        let stalled = best > chain.lastBlockHeight && chain.lastBlockHeight == heightAtLastBeat
        behindBeats = stalled ? behindBeats + 1 : 0
        heightAtLastBeat = chain.lastBlockHeight
        if !syncing, best >= chain.lastBlockHeight + Self.syncLag || behindBeats >= Self.behindBeatsLimit {
            enterBlockSync(best: best)
        }
        guard syncing else { return }
        for peer in sync.expire(now: nowMilliseconds) {
            syncLogger.info("block sync: a peer was too slow; asking others", metadata: ["peer": "\(peer)"])
        }
        try await requestBlocks()
        try await leaveBlockSyncIfCaughtUp()
    }

    private func enterBlockSync(best: Int64) {
        syncLogger.notice("behind the network; switching to block sync",
                          metadata: ["height": "\(chain.lastBlockHeight)", "peers_at": "\(best)"])
        var limits = syncLimits
        if chain.consensusParams.block.maxBytes > 0 {
            limits.maxBlockBytes = Int(clamping: chain.consensusParams.block.maxBytes) + 4_096
        }
        sync.reset(next: chain.nextHeight, limits: limits)
        syncing = true
        metrics.blockSync.syncing(true)
    }

    func requestBlocks() async throws {
        guard syncing else { return }
        let planned = sync.plan(peers: reactor.storedHeights, bases: reactor.storedBases, now: nowMilliseconds)
        for (peer, height) in planned {
            await network.send(to: peer, channel: NodeChannel.blockSync,
                               bytes: BlockSyncMessage.request(height: height).encoded())
        }
    }

    /// Applies every block that is next in line, each verified first: its commit must carry +2/3
    /// of the voting power of its height's validator set, for exactly this block.
    private func applySynced() async throws {
        while syncing, let item = sync.nextReady() {
            let height = chain.nextHeight
            let blockID = item.blockID
            do {
                guard item.block.header.height == height else {
                    throw BlockSyncRejection("block \(item.block.header.height) where \(height) was next")
                }
                try chain.validators.verifyCommit(chainID: chainID, blockID: blockID, height: height, commit: item.commit)
                try verifySyncedExtensions(item, height: height)
            } catch {
                sync.rejected(now: nowMilliseconds)
                await reject(item.peer, "block sync: block \(height) does not verify: \(error)")
                continue
            }
            sync.applied()
            // The next block's LastCommit is, from a peer that stores it, this very commit: it
            // was just verified against this height's set, so it is not checked again.
            // With extensions, the extended commit's own commit is the seen commit stored with
            // them (it verified too; the server sends the two alike).
            try await apply(item.block, blockBytes: item.bytes, blockID: blockID,
                            commit: item.extendedCommit?.commit ?? item.commit,
                            voteExtensions: item.extendedCommit?.extensions, markHeight: false,
                            verifiedLastCommit: syncVerifiedCommit)
            syncVerifiedCommit = item.commit
            counters.catchUpBlocks += 1
            syncedPastMarker = true
        }
        try await requestBlocks()
        try await leaveBlockSyncIfCaughtUp()
    }

    /// A synced block's extended commit: required exactly at heights with vote extensions (a peer
    /// that omits it gave a bad answer, and the height goes to another peer), and then verified
    /// against the height's validator set, extension signatures included, before it is stored.
    private func verifySyncedExtensions(_ item: BlockSyncPool.Ready, height: Int64) throws {
        guard voteExtensionsEnabled(at: height) else {
            if item.extendedCommit != nil {
                throw BlockSyncRejection("an extended commit at height \(height), which has no vote extensions")
            }
            return
        }
        guard let extended = item.extendedCommit else {
            throw BlockSyncRejection("no extended commit at height \(height), which has vote extensions")
        }
        try chain.validators.verifyExtendedCommit(chainID: chainID, extended, matching: item.commit)
    }

    /// The WAL's end-of-height marker for the last block-synced height, written once per session
    /// instead of once per block (an fsync each: half the fsyncs of a synced height, the block
    /// store's transaction being the other).
    ///
    /// Why the per-height markers are not needed: the WAL holds nothing of a block-synced height
    /// (the core is not fed while syncing), so there is nothing to replay; a marker only tells
    /// replay where the next height's inputs begin. After a crash mid-sync the store is the
    /// authority (ARCHITECTURE §5 rule 4): `boot` finds the marker for the store's last height
    /// missing and writes it, replaying nothing older. What must hold is that the marker precedes
    /// the first input of the height consensus resumes at; otherwise a restart would take that
    /// height's inputs (our votes, our lock) for an older height's and drop them. Hence this,
    /// synced, before `startHeight`.
    private func closeSyncedHeights() throws {
        guard syncedPastMarker else { return }
        try writeEndHeight(chain.lastBlockHeight)
        syncedPastMarker = false
    }

    /// Caught up: no peer we may ask has stored a height above ours, so the next height is the
    /// one peers are deciding now, and consensus takes it from there. (Leaving one height short
    /// would strand a node that entered because it missed a single decision.)
    private func leaveBlockSyncIfCaughtUp() async throws {
        guard syncing, chain.lastBlockHeight >= bestPeerHeight else { return }
        syncLogger.notice("caught up; switching to consensus",
                          metadata: ["height": "\(chain.lastBlockHeight)", "synced_blocks": "\(counters.catchUpBlocks)",
                                 "in_flight": "\(sync.inFlight)"])
        syncing = false
        metrics.blockSync.syncing(false)
        behindBeats = 0
        try closeSyncedHeights()
        if core.height < chain.nextHeight { try await enterHeight() }
    }
}

struct BlockSyncRejection: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
