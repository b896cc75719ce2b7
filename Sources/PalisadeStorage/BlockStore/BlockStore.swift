import Foundation
import GRDB
import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// The committed chain on disk: blocks, their commits, the state after each, the validator sets
/// and parameters per height and the app's FinalizeBlock answers, in one SQLite file
/// (`data/blockstore.db`; tables in `BlockStoreSchema`).
///
/// ARCHITECTURE §5 rule 3: everything about height h is written in one transaction by `save`, so after a
/// crash at any moment a height is either entirely there or entirely absent, and the stored state
/// is always the state after the latest stored block. The file is in WAL journal mode with
/// `synchronous = FULL`: `save` returns only after the WAL is fsynced, so a saved height survives
/// power loss, not only a process crash. Readers (RPC) run concurrently with the writer and see
/// whole heights only.
///
/// Calls block the calling thread (a save costs one fsync, about 0.25 ms here); the class holds no
/// mutable state of its own, so one instance may be shared by every task.
public final class BlockStore: Sendable {
    /// The database file, as given; every error names it.
    public let path: String
    let pool: DatabasePool
    /// `[storage] discard_abci_responses`: keep only the latest height's FinalizeBlock answer
    /// (what a restart's replay needs), as CometBFT does; RPC `block_results` is then refused.
    public let discardsFinalizeBlockResponses: Bool

    /// Opens the store at `path`, creating it (and its tables) if the file does not exist.
    /// A file that is not a Palisade block store (another file, a corrupt one, one from a newer
    /// version) is refused with `.open`, naming the file.
    public init(path: String, discardFinalizeBlockResponses: Bool = false) throws(BlockStoreError) {
        self.path = path
        discardsFinalizeBlockResponses = discardFinalizeBlockResponses
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw BlockStoreError(kind: .open, path: path, operation: "open", reason: "is a directory")
        }
        var configuration = Configuration()
        configuration.label = "BlockStore"
        // Another process (an operator's sqlite3, a second tool) may hold the lock for a moment.
        configuration.busyMode = .timeout(5)
        // Pruned pages go back to the file system (`reclaimFreePages`) only in a file created
        // with incremental auto-vacuum; SQLite takes the setting before the first table and
        // before WAL mode, which GRDB turns on right after this. In an existing file it does
        // nothing (see `BlockStore+Pruning` for why such a file is left as it is).
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB turns WAL on and sets synchronous = NORMAL, which may lose the last commits on
            // power loss; a validator has told its peers it has them, so it must keep them.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode")
                guard mode == "wal" else {
                    throw BlockStoreError(kind: .open, path: path, operation: "open",
                                          reason: "journal mode is \(mode ?? "unknown"), want wal")
                }
            }
            let migrator = BlockStoreSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw BlockStoreError(kind: .open, path: path, operation: "open",
                                      reason: "written by a newer version of Palisade (unknown schema migrations)")
            }
            try migrator.migrate(pool)
        } catch let error as BlockStoreError {
            throw error
        } catch {
            throw BlockStoreError(kind: .open, path: path, operation: "open",
                                  reason: "not a usable SQLite block store: \(Self.describe(error))")
        }
    }

    /// Stores the state before the first block (genesis after InitChain). Nothing else is written:
    /// the validator sets and parameters of the initial height and the one after are kept, so
    /// `validators(at:)` answers before the first block is saved. Refused once a block is stored.
    public func saveInitialState(_ state: ChainState) throws(BlockStoreError) {
        let operation = "save initial state"
        guard state.lastBlockHeight == 0 else {
            throw invalid(operation, "state is after height \(state.lastBlockHeight), not before the first block")
        }
        try write(operation) { db in
            if let latest = try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") {
                throw self.invalid(operation, "the store already holds blocks up to height \(latest)")
            }
            try self.saveState(state, initial: true, db)
        }
    }

    /// Stores height h = `block.header.height` in one transaction: the block with its ID, size and
    /// transaction hashes; `seenCommit`; the canonical commit for h-1 (the block's `LastCommit`);
    /// `finalizeBlockResponse`; and `state`, the state after executing the block, with the
    /// validator sets and parameters it fixes for h+1 and h+2.
    ///
    /// `voteExtensions`, when vote extensions are enabled at h, are the extensions of
    /// `seenCommit`'s precommits, entry for entry: stored as CometBFT stores the extended commit,
    /// so a restarted node can still hand them to PrepareProposal at h+1.
    ///
    /// `encoded`: the block's protobuf bytes when the caller holds them, stored as given instead of
    /// encoding the block again. Block sync passes the bytes a peer sent once the block's commit
    /// verified: the signed part-set hash is over exactly those bytes.
    ///
    /// Refused without writing anything when the pieces do not belong together (another height or
    /// block ID) or when h does not follow the stored chain (a gap, or a height already stored).
    public func save(block: Block, encoded: Bytes? = nil, blockID: BlockID, seenCommit: Commit,
                     voteExtensions: [VoteExtension]? = nil, state: ChainState,
                     finalizeBlockResponse: FinalizeBlockResponse) throws(BlockStoreError) {
        let height = block.header.height
        let operation = "save height \(height)"
        guard seenCommit.height == height, seenCommit.blockID == blockID else {
            throw invalid(operation, "seen commit is for height \(seenCommit.height), block \(seenCommit.blockID); "
                + "the block is \(blockID)")
        }
        var extendedCommitBytes: Bytes?
        if let voteExtensions {
            guard let extended = ExtendedCommit(commit: seenCommit, extensions: voteExtensions) else {
                throw invalid(operation, "\(voteExtensions.count) vote extensions do not fit the seen commit's "
                    + "\(seenCommit.signatures.count) signatures")
            }
            extendedCommitBytes = extended.protobuf
        }
        guard state.lastBlockHeight == height, state.lastBlockID == blockID else {
            throw invalid(operation, "state is after height \(state.lastBlockHeight), block \(state.lastBlockID); "
                + "the block is \(blockID)")
        }
        guard blockID.hash == block.header.hash() else {
            throw invalid(operation, "block ID \(blockID) does not match the header hash")
        }
        guard finalizeBlockResponse.txResults.count == block.data.txs.count else {
            throw invalid(operation, "\(finalizeBlockResponse.txResults.count) tx results for \(block.data.txs.count) txs")
        }
        let blockBytes = encoded ?? block.protobuf
        let txHashes = block.data.txs.map { SHA256Hash.digest($0) }
        let evidenceHashes = block.evidence.map { $0.hash() }
        let lastCommit = block.lastCommit.flatMap { $0.height > 0 ? $0 : nil }
        if let lastCommit, lastCommit.height != height - 1 {
            throw invalid(operation, "last commit is for height \(lastCommit.height), want \(height - 1)")
        }
        let responseBytes = CanonicalEncoding.encode(finalizeBlockResponse.proto)

        try write(operation) { db in
            if let expected = try Int64.fetchOne(db.cachedStatement(sql: "SELECT next_height FROM chain_state WHERE id = 1")),
               expected != height {
                throw self.invalid(operation, "the stored chain expects height \(expected) next")
            }
            try Self.execute(db, sql: """
                INSERT INTO blocks (height, hash, block_id, header, size, num_txs, block) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [height, Data(blockID.hash), Data(CanonicalEncoding.encode(blockID.proto)),
                                 Data(block.header.protobuf), blockBytes.count, block.data.txs.count, Data(blockBytes)])
            try Self.execute(db, sql: "INSERT INTO seen_commits (height, commit_proto) VALUES (?, ?)",
                                 arguments: [height, Data(seenCommit.protobuf)])
            if let extendedCommitBytes {
                try Self.execute(db, sql: "INSERT INTO extended_commits (height, extended_commit) VALUES (?, ?)",
                                 arguments: [height, Data(extendedCommitBytes)])
            }
            if let lastCommit {
                try Self.execute(db, sql: "INSERT OR REPLACE INTO canonical_commits (height, commit_proto) VALUES (?, ?)",
                                     arguments: [lastCommit.height, Data(lastCommit.protobuf)])
            }
            // One prepared statement for every transaction of the block, not one parse each.
            let insertTx = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tx_hashes (hash, height, tx_index) VALUES (?, ?, ?)")
            for (index, hash) in txHashes.enumerated() {
                try insertTx.execute(arguments: [Data(hash), height, index])
            }
            try Self.execute(db, sql: "INSERT INTO finalize_block_responses (height, response) VALUES (?, ?)",
                                 arguments: [height, Data(responseBytes)])
            if self.discardsFinalizeBlockResponses {
                try Self.execute(db, sql: "DELETE FROM finalize_block_responses WHERE height < ?", arguments: [height])
            }
            // Committed with its block, so a crash cannot leave evidence both in a block and pending.
            for hash in evidenceHashes {
                try Self.execute(db, sql: "INSERT OR REPLACE INTO committed_evidence (hash, height) VALUES (?, ?)",
                                     arguments: [Data(hash), height])
                try Self.execute(db, sql: "DELETE FROM pending_evidence WHERE hash = ?", arguments: [Data(hash)])
            }
            try self.saveState(state, initial: false, db)
        }
    }

    /// The state row, and what it fixes for the heights ahead: the set that signed its last block
    /// (if any), the sets for the next two heights and the parameters for the next one.
    func saveState(_ state: ChainState, initial: Bool, _ db: Database) throws {
        let next = state.nextHeight
        try Self.execute(db, sql: """
            INSERT OR REPLACE INTO chain_state (id, height, next_height, state) VALUES (1, ?, ?, ?)
            """, arguments: [state.lastBlockHeight, next, Data(ChainStateCodec.encode(state))])
        // After block h the sets for h and h+1 were already stored with h-1 (as its next and
        // next-next sets, the same values), so only h+2 is new; the others are written when
        // missing (a store that starts mid-chain). An initial state replaces whatever it fixes.
        if let last = state.lastValidators, state.lastBlockHeight > 0 {
            try saveValidators(last, height: state.lastBlockHeight, replacing: false, db)
        }
        try saveValidators(state.validators, height: next, replacing: initial, db)
        try saveValidators(state.nextValidators, height: next + 1, replacing: true, db)
        try Self.execute(db, sql: "INSERT OR REPLACE INTO consensus_params (height, params) VALUES (?, ?)",
                             arguments: [next, Data(CanonicalEncoding.encode(state.consensusParams.proto))])
    }

    private func saveValidators(_ set: ValidatorSet, height: Int64, replacing: Bool, _ db: Database) throws {
        guard !set.isEmpty else { return }
        if !replacing,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM validator_sets WHERE height = ?"), arguments: [height]) == true {
            return
        }
        try Self.execute(db, sql: "INSERT OR REPLACE INTO validator_sets (height, validator_set) VALUES (?, ?)",
                             arguments: [height, Data(set.protobuf)])
    }

    /// One statement of a height's transaction, compiled once per connection and reused: the
    /// same dozen statements run for every height, and compiling them each time (SQLite's parser,
    /// GRDB's authorizer) was a few per cent of a block-synced height's CPU.
    private static func execute(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    // MARK: - Transactions and errors

    /// One IMMEDIATE transaction: the write lock is taken at BEGIN, so a concurrent writer in
    /// another process makes this wait (busy timeout) instead of failing halfway.
    func write(_ operation: String, _ body: (Database) throws -> Void) throws(BlockStoreError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try body(db)
                    return .commit
                }
            }
        } catch {
            throw wrap(error, operation)
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(BlockStoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw wrap(error, operation)
        }
    }

    func invalid(_ operation: String, _ reason: String) -> BlockStoreError {
        BlockStoreError(kind: .invalidArgument, path: path, operation: operation, reason: reason)
    }

    func corrupt(_ operation: String, _ reason: String) -> BlockStoreError {
        BlockStoreError(kind: .corruptRecord, path: path, operation: operation, reason: reason)
    }

    private func wrap(_ error: any Error, _ operation: String) -> BlockStoreError {
        if let error = error as? BlockStoreError { return error }
        return BlockStoreError(kind: .database, path: path, operation: operation, reason: Self.describe(error))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        }
        return "\(error)"
    }
}
