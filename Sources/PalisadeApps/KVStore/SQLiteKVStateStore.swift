import Foundation
import GRDB
import PalisadeABCI

/// The kvstore's committed state in a SQLite file, so a node restarted with `proxy_app = "kvstore"`
/// resumes where it stopped: `load` gives back the last saved height, size, pairs and validators,
/// and the node replays only the blocks after that height.
///
/// `save` writes what changed since the previous save in one transaction: either the whole block
/// is on disk or none of it is, and the transaction's commit is the fsync (WAL, `synchronous =
/// FULL`). The store remembers the last state it saved to find the changes, which is why it is
/// an actor and why one file should have one store.
public actor SQLiteKVStateStore: KVStateStore {
    public nonisolated let path: String
    let database: DatabaseQueue
    private var saved: KVState?

    /// Opens (or creates) the file at `path`. Throws `AppDatabaseError` naming the file when it
    /// is not a SQLite database or its schema cannot be set up.
    public init(path: String) throws(AppDatabaseError) {
        self.path = path
        database = try AppDatabase.open(path: path, migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("kvstore-v1") { db in
            try db.execute(sql: """
                CREATE TABLE kv_meta (id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL, size INTEGER NOT NULL);
                CREATE TABLE kv_pairs (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE kv_validators (pub_key BLOB PRIMARY KEY NOT NULL, power INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    /// The last saved state, or nil for a file that has never been saved to.
    public func load() throws(AppDatabaseError) -> KVState? {
        let path = path
        let state: KVState? = try AppDatabase.run(path: path) {
            try database.read { db in
                guard let meta = try Row.fetchOne(db, sql: "SELECT height, size FROM kv_meta WHERE id = 1") else { return nil }
                var state = KVState(height: try meta.int64(atIndex: 0, table: "kv_meta", column: "height"),
                                    size: try meta.int64(atIndex: 1, table: "kv_meta", column: "size"))
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM kv_pairs") {
                    state.pairs[try row.bytes(atIndex: 0, table: "kv_pairs", column: "key")] =
                        try row.bytes(atIndex: 1, table: "kv_pairs", column: "value")
                }
                for row in try Row.fetchAll(db, sql: "SELECT pub_key, power FROM kv_validators") {
                    let raw = try row.bytes(atIndex: 0, table: "kv_validators", column: "pub_key")
                    guard let key = Ed25519PublicKey(bytes: raw) else {
                        throw AppDatabaseError(path: path, reason: "table kv_validators: pub_key \(raw.hex) is not a 32-byte ed25519 key")
                    }
                    state.validators[key] = try row.int64(atIndex: 1, table: "kv_validators", column: "power")
                }
                return state
            }
        }
        saved = state
        return state
    }

    /// Writes `state` atomically: only the rows that differ from the last saved state change
    /// (everything is rewritten when this store has neither loaded nor saved yet).
    public func save(_ state: KVState) throws(AppDatabaseError) {
        let known = saved
        let previous = known ?? KVState()
        try AppDatabase.run(path: path) {
            try database.write { db in
                if known == nil {
                    try db.execute(sql: "DELETE FROM kv_pairs; DELETE FROM kv_validators")
                }
                try db.execute(sql: "INSERT OR REPLACE INTO kv_meta (id, height, size) VALUES (1, ?, ?)",
                               arguments: [state.height, state.size])
                for (key, value) in state.pairs where previous.pairs[key] != value {
                    try db.execute(sql: "INSERT OR REPLACE INTO kv_pairs (key, value) VALUES (?, ?)",
                                   arguments: [Data(key), Data(value)])
                }
                for key in previous.pairs.keys where state.pairs[key] == nil {
                    try db.execute(sql: "DELETE FROM kv_pairs WHERE key = ?", arguments: [Data(key)])
                }
                for (key, power) in state.validators where previous.validators[key] != power {
                    try db.execute(sql: "INSERT OR REPLACE INTO kv_validators (pub_key, power) VALUES (?, ?)",
                                   arguments: [Data(key.bytes), power])
                }
                for key in previous.validators.keys where state.validators[key] == nil {
                    try db.execute(sql: "DELETE FROM kv_validators WHERE pub_key = ?", arguments: [Data(key.bytes)])
                }
            }
        }
        saved = state
    }
}

extension KVStoreApplication {
    /// The kvstore `palisade start` runs for `proxy_app = "kvstore"`: state in the SQLite file at
    /// `databasePath` (created when missing), resumed from its last commit.
    public static func open(databasePath: String) async throws -> KVStoreApplication {
        try await restore(from: SQLiteKVStateStore(path: databasePath))
    }
}
