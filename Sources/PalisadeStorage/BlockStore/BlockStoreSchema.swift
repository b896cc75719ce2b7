import GRDB

/// The tables, one row per height unless noted. Protobuf columns hold CometBFT v0.38 messages
/// (`tendermint.types.*`, `tendermint.abci.ResponseFinalizeBlock`), so a row can be inspected with
/// `protoc --decode`. Migrations only ever add: a file written by a newer Palisade is refused at
/// open rather than misread.
///
/// | table | row | columns |
/// |---|---|---|
/// | `blocks` | block h | `hash` (header hash, unique), `block_id`, `header`, `size` (bytes of `block`), `num_txs`, `block` |
/// | `seen_commits` | h | `commit_proto`: the +2/3 precommits this node saw for block h |
/// | `canonical_commits` | h | `commit_proto`: block h+1's `LastCommit`, written with block h+1 |
/// | `validator_sets` | h | `validator_set`: the set that signs block h, priorities as of h |
/// | `consensus_params` | h | `params`: the parameters block h is made under |
/// | `finalize_block_responses` | h | `response`: the app's answer to FinalizeBlock for block h |
/// | `tx_hashes` | SHA-256 of a tx | `height`, `tx_index`; a tx committed twice points at the later block |
/// | `chain_state` | one row | `height` (= `last_block_height`), `next_height`, `state` (`ChainStateCodec` JSON) |
/// | `committed_evidence` | evidence hash | `height` of the block that carried it; written with that block (v2) |
/// | `extended_commits` | h | `extended_commit` (`tendermint.types.ExtendedCommit`): `seen_commits`' row with each precommit's vote extension; only heights with vote extensions enabled (v3) |
/// | `pending_evidence` | evidence hash | `height` (the evidence's), `evidence` (`tendermint.types.DuplicateVoteEvidence`) (v2) |
/// | `evidence_block_times` | h | `seconds`, `nanos`: block h's time, kept after block h is pruned while evidence from h can still be valid (v4) |
///
/// v4 also indexes `tx_hashes` by height, so pruning a height finds its rows without a scan.
enum BlockStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blocks (
                    height INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    block_id BLOB NOT NULL,
                    header BLOB NOT NULL,
                    size INTEGER NOT NULL,
                    num_txs INTEGER NOT NULL,
                    block BLOB NOT NULL
                );
                CREATE TABLE seen_commits (height INTEGER PRIMARY KEY, commit_proto BLOB NOT NULL);
                CREATE TABLE canonical_commits (height INTEGER PRIMARY KEY, commit_proto BLOB NOT NULL);
                CREATE TABLE validator_sets (height INTEGER PRIMARY KEY, validator_set BLOB NOT NULL);
                CREATE TABLE consensus_params (height INTEGER PRIMARY KEY, params BLOB NOT NULL);
                CREATE TABLE finalize_block_responses (height INTEGER PRIMARY KEY, response BLOB NOT NULL);
                CREATE TABLE tx_hashes (
                    hash BLOB PRIMARY KEY,
                    height INTEGER NOT NULL,
                    tx_index INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE chain_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    height INTEGER NOT NULL,
                    next_height INTEGER NOT NULL,
                    state BLOB NOT NULL
                );
                """)
        }
        // The evidence pool's memory: what is already in a block (so it is never proposed or
        // accepted twice), and what waits to be proposed (so a restart does not forget it).
        migrator.registerMigration("v2-evidence") { db in
            try db.execute(sql: """
                CREATE TABLE committed_evidence (hash BLOB PRIMARY KEY, height INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE pending_evidence (
                    hash BLOB PRIMARY KEY,
                    height INTEGER NOT NULL,
                    evidence BLOB NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // Vote extensions of the precommits this node saw: the next proposer's PrepareProposal
        // needs them, after a restart too (CometBFT's `SaveBlockWithExtendedCommit`).
        migrator.registerMigration("v3-extended-commits") { db in
            try db.execute(sql: "CREATE TABLE extended_commits (height INTEGER PRIMARY KEY, extended_commit BLOB NOT NULL);")
        }
        // Pruning (`BlockStore+Pruning`): what a pruned height leaves behind for evidence, and
        // the index that finds a height's transaction hashes.
        migrator.registerMigration("v4-pruning") { db in
            try db.execute(sql: """
                CREATE INDEX tx_hashes_by_height ON tx_hashes (height);
                CREATE TABLE evidence_block_times (
                    height INTEGER PRIMARY KEY,
                    seconds INTEGER NOT NULL,
                    nanos INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}
