import Foundation
import GRDB
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Pruning below the app's retain height (ABCI `ResponseCommit.retain_height`; CometBFT v0.38's
/// `BlockStore.PruneBlocks` and `state.Store.PruneStates`).
///
/// Below the retain height a height loses its block, seen, canonical and extended commits, the
/// app's FinalizeBlock answer, its transaction-hash rows and its consensus parameters. The base
/// (the lowest stored block, what `/status` calls `earliest_block_height` and RPC checks heights
/// against) is `MIN(height)` of `blocks`, so it moves in the same transaction as the rows.
///
/// Two things outlive a pruned height while evidence from it can still be valid (CometBFT's
/// evidence point: not expired by both `max_age_num_blocks` and `max_age_duration`): its
/// validator set, which a block carrying that evidence is checked against (losing it would make
/// this node refuse a valid block and halt), and its block time (`evidence_block_times`), which
/// the evidence's timestamp must equal. Once expired, both go too. The set of the height just
/// below the retain height is also kept: replaying the lowest stored block to an app needs it
/// as that block's last validators.
///
/// Bounded work: each call deletes at most `batchHeights` heights per transaction and at most
/// `maxBatches` transactions, lowest heights first; a retain height far above the base is
/// reached over several calls. A crash between two transactions leaves whole heights only.
extension BlockStore {
    /// Heights deleted in one transaction: at one height a commit, a block of empty blocks takes a
    /// few milliseconds; a first prune of a long chain advances 100 heights per block.
    public static let pruneBatchHeights: Int64 = 100

    /// What a prune did.
    public struct PruneOutcome: Sendable, Equatable {
        /// The lowest stored block after the prune.
        public var base: Int64
        /// Heights whose blocks were deleted.
        public var pruned: Int64
        /// True when the retain height is not reached yet (the bound stopped it).
        public var incomplete: Bool

        public init(base: Int64, pruned: Int64, incomplete: Bool) {
            self.base = base
            self.pruned = pruned
            self.incomplete = incomplete
        }
    }

    /// Prunes heights below `retainHeight`, given `state`, the latest stored state (its evidence
    /// parameters, last height and time decide what evidence can still be valid).
    ///
    /// A retain height at or below the base does nothing (the app may send the same one again);
    /// 0 or negative, or above the latest stored block, is refused as CometBFT refuses it, and
    /// nothing is deleted. `afterBatch` runs after each committed transaction with the new base
    /// (tests stop there to simulate a crash).
    @discardableResult
    public func prune(retainHeight: Int64, state: ChainState, batchHeights: Int64 = pruneBatchHeights,
                      maxBatches: Int = 1,
                      afterBatch: (Int64) throws -> Void = { _ in }) throws(BlockStoreError) -> PruneOutcome {
        let operation = "prune below height \(retainHeight)"
        guard retainHeight > 0 else { throw invalid(operation, "height must be greater than 0") }
        guard batchHeights > 0, maxBatches > 0 else { throw invalid(operation, "the batch bounds must be positive") }
        let latest = try latestHeight()
        guard retainHeight <= latest else { throw invalid(operation, "cannot prune beyond the latest height \(latest)") }
        var base = try baseHeight()
        var pruned: Int64 = 0
        var batches = 0
        while base < retainHeight, batches < maxBatches {
            let end = min(retainHeight, base + batchHeights)
            try write(operation) { db in try self.deleteHeights(below: end, retainHeight: retainHeight, state: state, db) }
            pruned += end - base
            base = end
            batches += 1
            do { try afterBatch(base) } catch { throw BlockStoreError(kind: .database, path: path, operation: operation,
                                                                      reason: "stopped after a batch: \(error)") }
        }
        return PruneOutcome(base: base, pruned: pruned, incomplete: base < retainHeight)
    }

    /// One transaction: every height below `end` (which is at most `retainHeight`).
    private func deleteHeights(below end: Int64, retainHeight: Int64, state: ChainState, _ db: Database) throws {
        let params = state.consensusParams.evidence
        func expired(_ height: Int64, _ time: Timestamp) -> Bool {
            EvidenceCheck.isExpired(evidenceHeight: height, evidenceTime: time, height: state.lastBlockHeight,
                                    time: state.lastBlockTime, params: params)
        }
        // The times of the heights about to go, kept where evidence from them is still valid.
        let headers = try Row.fetchAll(db, sql: "SELECT height, header FROM blocks WHERE height < ? ORDER BY height",
                                       arguments: [end])
        for row in headers {
            let height = try row.decode(Int64.self, forColumn: "height")
            let header = try Header(protobuf: Bytes(try row.decode(Data.self, forColumn: "header")))
            if !expired(height, header.time) {
                try db.execute(sql: "INSERT OR REPLACE INTO evidence_block_times (height, seconds, nanos) VALUES (?, ?, ?)",
                               arguments: [height, header.time.seconds, header.time.nanos])
            }
        }
        // The evidence point: the lowest height whose evidence is still valid. Times only grow
        // with height, so every height below it is expired.
        var evidencePoint = end
        // Expired rows were deleted by the previous prune: the first row usually decides.
        let times = try Row.fetchCursor(db, sql: "SELECT height, seconds, nanos FROM evidence_block_times ORDER BY height")
        while let row = try times.next() {
            let height = try row.decode(Int64.self, forColumn: "height")
            let time = Timestamp(seconds: try row.decode(Int64.self, forColumn: "seconds"),
                                 nanos: try row.decode(Int32.self, forColumn: "nanos"))
            if !expired(height, time) {
                evidencePoint = height
                break
            }
        }
        try db.execute(sql: "DELETE FROM evidence_block_times WHERE height < ?", arguments: [evidencePoint])
        try db.execute(sql: "DELETE FROM validator_sets WHERE height < ?",
                       arguments: [min(evidencePoint, retainHeight - 1, end)])
        for table in ["tx_hashes", "blocks", "seen_commits", "canonical_commits", "extended_commits",
                      "finalize_block_responses", "consensus_params"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE height < ?", arguments: [end])
        }
    }

    /// The time of the block at `height`: from the block while it is stored, then from what
    /// pruning kept for evidence; nil when neither has it.
    public func blockTime(at height: Int64) throws(BlockStoreError) -> Timestamp? {
        if let meta = try blockMeta(at: height) { return meta.header.time }
        return try read("read the time of block \(height)") { db in
            try Row.fetchOne(db, sql: "SELECT seconds, nanos FROM evidence_block_times WHERE height = ?",
                             arguments: [height]).map { row in
                Timestamp(seconds: try row.decode(Int64.self, forColumn: "seconds"),
                          nanos: try row.decode(Int32.self, forColumn: "nanos"))
            }
        }
    }

    // MARK: - Giving pages back

    /// Free pages kept in the file for the next heights to reuse rather than returned, so a
    /// steady prune of one height per block does not shrink and regrow the file every block.
    public static let retainedFreePages = 1_024
    /// At most this many pages are returned per call (a few milliseconds), so a large prune's
    /// space comes back over several blocks instead of in one long pause.
    public static let reclaimPagesPerCall = 4_096

    /// Returns free pages beyond `retainedFreePages` to the file system (`PRAGMA
    /// incremental_vacuum`), at most `reclaimPagesPerCall`. Returns the pages given back.
    ///
    /// Only a file created by this version has incremental auto-vacuum; a file created before
    /// keeps working unchanged: SQLite reuses its free pages for the heights that follow, so it
    /// stops growing once pruning runs, at its largest size so far. Converting it needs a
    /// `VACUUM`, which rewrites the whole file, needs as much free disk again and cannot run
    /// inside a migration's transaction: an operator can run it with the node stopped
    /// (`sqlite3 data/blockstore.db 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM;'`).
    @discardableResult
    public func reclaimFreePages() throws(BlockStoreError) -> Int {
        do {
            return try pool.writeWithoutTransaction { db in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let surplus = min(free - Self.retainedFreePages, Self.reclaimPagesPerCall)
                guard surplus > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum(\(surplus))")
                return surplus
            }
        } catch {
            throw BlockStoreError(kind: .database, path: path, operation: "reclaim free pages", reason: Self.describe(error))
        }
    }

    /// True when the file gives pruned pages back (`auto_vacuum = INCREMENTAL`).
    public func reclaimsFreePages() throws(BlockStoreError) -> Bool {
        try read("read auto_vacuum") { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 }
    }
}
