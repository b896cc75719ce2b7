import Foundation
import GRDB
import PalisadeABCI

/// The kvstore's committed state in a SQLite file, so a node restarted with `proxy_app = "kvstore"`
/// resumes where it stopped, and the node replays only the blocks after the stored height.
///
/// Tables: `kv_meta` (one row: height, size, tree root), `kv_pairs` (key → value, what queries
/// read), `kv_validators` (pub_key → power), `kv_nodes` (hash → 65-byte node encoding, the
/// `SparseMerkleTree` content-addressed; only the latest tree's nodes are kept). `commit` writes
/// a block's rows, inserts the tree nodes it created and deletes those it replaced, in one
/// transaction: either the whole block is on disk or none of it is, and the transaction's commit
/// is the fsync (WAL, `synchronous = FULL`).
public final class SQLiteKVStateStore: KVStateStore {
    public let path: String
    let database: DatabaseQueue

    /// Opens (or creates) the file at `path`, upgrading an older schema. Throws `AppDatabaseError`
    /// naming the file when it is not a SQLite database or its schema cannot be set up.
    public init(path: String) throws(AppDatabaseError) {
        self.path = path
        database = try AppDatabase.open(path: path, migrator: Self.migrator)
        try AppDatabase.run(path: path) {
            try database.inDatabase { try $0.execute(sql: "PRAGMA cache_size = \(-Self.pageCacheKiB)") }
        }
    }

    /// SQLite's page cache for this file, in KiB (SQLite's default is 2 MiB). A block rewrites
    /// and deletes tree nodes at random places in `kv_nodes`; with the upper B-tree pages of a
    /// million-key state (hundreds of MB) cached, those writes stop waiting on page reads.
    static let pageCacheKiB = 65_536

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("kvstore-v1") { db in
            try db.execute(sql: """
                CREATE TABLE kv_meta (id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL, size INTEGER NOT NULL);
                CREATE TABLE kv_pairs (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE kv_validators (pub_key BLOB PRIMARY KEY NOT NULL, power INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        // The tree. A file written before it gets its tree built once from its rows; its app
        // hash changes formula, so a chain must upgrade all its nodes together.
        migrator.registerMigration("kvstore-v2-tree") { db in
            try db.execute(sql: """
                ALTER TABLE kv_meta ADD COLUMN root BLOB;
                CREATE TABLE kv_nodes (hash BLOB PRIMARY KEY NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
                """)
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM kv_meta WHERE id = 1") != nil else { return }
            var changes: [SMTChange] = []
            let pairs = try Row.fetchCursor(db, sql: "SELECT key, value FROM kv_pairs")
            while let row = try pairs.next() {
                changes.append(KVTreeLayout.change(key: try row.bytes(atIndex: 0, table: "kv_pairs", column: "key"),
                                                   value: try row.bytes(atIndex: 1, table: "kv_pairs", column: "value")))
            }
            for (key, power) in try Self.validators(db) { changes.append(KVTreeLayout.change(validator: key, power: power)) }
            let tree = try SparseMerkleTree.update(root: SparseMerkleTree.emptyHash, changes: changes, reader: NoNodes())
            try Self.write(tree, db)
            try db.execute(sql: "UPDATE kv_meta SET root = ? WHERE id = 1", arguments: [Data(tree.root)])
        }
        return migrator
    }

    public func head() throws(AppDatabaseError) -> KVHead? {
        try AppDatabase.run(path: path) {
            try database.inDatabase { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT height, size, root FROM kv_meta WHERE id = 1") else { return nil }
                let root = try row.bytes(atIndex: 2, table: "kv_meta", column: "root")
                guard root.count == SparseMerkleTree.hashSize else {
                    throw AppDatabaseError(path: path, reason: "table kv_meta: root is \(root.count) bytes, not 32")
                }
                return KVHead(height: try row.int64(atIndex: 0, table: "kv_meta", column: "height"),
                              size: try row.int64(atIndex: 1, table: "kv_meta", column: "size"), root: root)
            }
        }
    }

    public func validators() throws(AppDatabaseError) -> [Ed25519PublicKey: Int64] {
        try AppDatabase.run(path: path) { try database.inDatabase { try Self.validators($0) } }
    }

    public func value(forKey key: Bytes) throws(AppDatabaseError) -> Bytes? {
        try blob("SELECT value FROM kv_pairs WHERE key = ?", key)
    }

    public func node(_ hash: Bytes) throws(AppDatabaseError) -> Bytes? {
        try blob("SELECT body FROM kv_nodes WHERE hash = ?", hash)
    }

    public func commit(_ batch: KVCommitBatch) throws(AppDatabaseError) {
        try AppDatabase.run(path: path) {
            try database.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO kv_meta (id, height, size, root) VALUES (1, ?, ?, ?)",
                               arguments: [batch.head.height, batch.head.size, Data(batch.head.root)])
                let setPair = try db.cachedStatement(sql: "INSERT OR REPLACE INTO kv_pairs (key, value) VALUES (?, ?)")
                for (key, value) in batch.pairs { try setPair.execute(arguments: [Data(key), Data(value)]) }
                for (key, power) in batch.validators {
                    if power == 0 {
                        try db.execute(sql: "DELETE FROM kv_validators WHERE pub_key = ?", arguments: [Data(key.bytes)])
                    } else {
                        try db.execute(sql: "INSERT OR REPLACE INTO kv_validators (pub_key, power) VALUES (?, ?)",
                                       arguments: [Data(key.bytes), power])
                    }
                }
                try Self.write(batch.tree, db)
            }
        }
    }

    private func blob(_ sql: String, _ key: Bytes) throws(AppDatabaseError) -> Bytes? {
        try AppDatabase.run(path: path) {
            try database.inDatabase { db in
                try Data.fetchOne(db.cachedStatement(sql: sql), arguments: [Data(key)]).map { Bytes($0) }
            }
        }
    }

    private static func write(_ tree: SMTUpdate, _ db: Database) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM kv_nodes WHERE hash = ?")
        for hash in tree.stale { try delete.execute(arguments: [Data(hash)]) }
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO kv_nodes (hash, body) VALUES (?, ?)")
        for (hash, node) in tree.created { try insert.execute(arguments: [Data(hash), Data(node.body)]) }
    }

    private static func validators(_ db: Database) throws -> [Ed25519PublicKey: Int64] {
        var validators: [Ed25519PublicKey: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT pub_key, power FROM kv_validators") {
            let raw = try row.bytes(atIndex: 0, table: "kv_validators", column: "pub_key")
            guard let key = Ed25519PublicKey(bytes: raw) else {
                throw AppDatabaseError(path: "", reason: "table kv_validators: pub_key \(raw.hex) is not a 32-byte ed25519 key")
            }
            validators[key] = try row.int64(atIndex: 1, table: "kv_validators", column: "power")
        }
        return validators
    }
}

/// The reader of a tree known to be empty: building one from scratch reads nothing.
private struct NoNodes: SMTNodeReader {
    func node(_ hash: Bytes) throws -> SMTNode { throw SMTError.missingNode(hash: hash) }
}

extension KVStoreApplication {
    /// The kvstore `palisade start` runs for `proxy_app = "kvstore"`: state in the SQLite file at
    /// `databasePath` (created when missing), resumed from its last commit.
    public static func open(databasePath: String) async throws -> KVStoreApplication {
        try await restore(from: SQLiteKVStateStore(path: databasePath))
    }
}
