import Foundation
import GRDB
import PalisadeABCI

/// The kvstore's committed state in a SQLite file, so a node restarted with `proxy_app = "kvstore"`
/// resumes where it stopped, and the node replays only the blocks after the stored height.
///
/// Tables: `kv_meta` (one row: height, size, where the tree's root is), `kv_pairs` (key → value,
/// what queries read), `kv_validators` (pub_key → power), `kv_nodes` ((version, hash) → node
/// encoding, see `SMTNode`) and `kv_stale` (one row per height: the keys of the nodes it replaced,
/// each `version (8, big-endian) ‖ hash (32)`, concatenated). `commit` writes a block's rows, its new nodes and the list of nodes it replaced
/// in one transaction: either the whole block is on disk or none of it is, and the transaction's
/// commit is the fsync (WAL, `synchronous = FULL`).
///
/// **Why nodes are keyed by (version, hash), and pruned in batches.** A block of k writes to a
/// tree of n keys creates and replaces about k·log₂ n nodes. Keyed by hash alone (as this store
/// first was), each of those rows sits on a random page of a table of 2n rows: at a million keys
/// a block dirtied some 25,000 pages, which the WAL writes and fsyncs, and the cost grew with n
/// (1.47 s a block, against 0.1 s at 10,000 keys). Keyed by the height that wrote them, a block's
/// new nodes sort after every existing row: inserted in key order they fill fresh pages at the
/// end of the table, a few hundred pages whatever n is. The replaced nodes are not deleted by
/// that block (each delete would dirty a random page again) but listed in one `kv_stale` row
/// appended at the table's end; every `pruneInterval` heights one transaction deletes all listed
/// nodes in key order, so the deletes that fall on one page rewrite it once. The lists are read
/// into memory only for a prune: at most `pruneInterval` blocks' changes, never the state. Only the latest tree
/// is read, so a stale node is never needed again; between prunes the file holds at most
/// `pruneInterval` blocks' worth of them.
public final class SQLiteKVStateStore: KVStateStore {
    public let path: String
    let database: DatabaseQueue
    /// Heights between two prunes of stale nodes (see the type's comment).
    let pruneInterval: Int64

    /// Opens (or creates) the file at `path`, upgrading an older schema. Throws `AppDatabaseError`
    /// naming the file when it is not a SQLite database or its schema cannot be set up.
    public init(path: String, pruneInterval: Int64 = defaultPruneInterval) throws(AppDatabaseError) {
        self.path = path
        self.pruneInterval = max(1, pruneInterval)
        database = try AppDatabase.open(path: path, migrator: Self.migrator)
        try AppDatabase.run(path: path) {
            try database.inDatabase { try $0.execute(sql: "PRAGMA cache_size = \(-Self.pageCacheKiB)") }
        }
    }

    public static let defaultPruneInterval: Int64 = 32

    /// SQLite's page cache for this file, in KiB (SQLite's default is 2 MiB): the pages a block
    /// reads on its changed paths, and the pages a prune rewrites, stay in memory.
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
        // The tree. A file written before it gets its tree built once from its rows, under its
        // stored height; its app hash changes formula, so a chain must upgrade all its nodes together.
        migrator.registerMigration("kvstore-v2-versioned-tree") { db in
            try db.execute(sql: """
                ALTER TABLE kv_meta ADD COLUMN root BLOB;
                ALTER TABLE kv_meta ADD COLUMN root_version INTEGER;
                CREATE TABLE kv_nodes (version INTEGER NOT NULL, hash BLOB NOT NULL, body BLOB NOT NULL,
                                       PRIMARY KEY (version, hash)) WITHOUT ROWID;
                CREATE TABLE kv_stale (stale_since INTEGER PRIMARY KEY NOT NULL, keys BLOB NOT NULL);
                """)
            guard let height = try Int64.fetchOne(db, sql: "SELECT height FROM kv_meta WHERE id = 1") else { return }
            var changes: [SMTChange] = []
            let pairs = try Row.fetchCursor(db, sql: "SELECT key, value FROM kv_pairs")
            while let row = try pairs.next() {
                changes.append(KVTreeLayout.change(key: try row.bytes(atIndex: 0, table: "kv_pairs", column: "key"),
                                                   value: try row.bytes(atIndex: 1, table: "kv_pairs", column: "value")))
            }
            for (key, power) in try Self.validators(db) { changes.append(KVTreeLayout.change(validator: key, power: power)) }
            let tree = try SparseMerkleTree.update(root: .empty, version: height, changes: changes, reader: NoNodes())
            try Self.insert(tree.created, db)
            try db.execute(sql: "UPDATE kv_meta SET root = ?, root_version = ? WHERE id = 1",
                           arguments: [Data(tree.root.hash), tree.root.version])
        }
        return migrator
    }

    public func head() throws(AppDatabaseError) -> KVHead? {
        try AppDatabase.run(path: path) {
            try database.inDatabase { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT height, size, root, root_version FROM kv_meta WHERE id = 1")
                else { return nil }
                let root = try row.bytes(atIndex: 2, table: "kv_meta", column: "root")
                guard root.count == SparseMerkleTree.hashSize else {
                    throw AppDatabaseError(path: path, reason: "table kv_meta: root is \(root.count) bytes, not 32")
                }
                return KVHead(height: try row.int64(atIndex: 0, table: "kv_meta", column: "height"),
                              size: try row.int64(atIndex: 1, table: "kv_meta", column: "size"),
                              root: SMTNodeKey(version: try row.int64(atIndex: 3, table: "kv_meta", column: "root_version"),
                                               hash: root))
            }
        }
    }

    public func validators() throws(AppDatabaseError) -> [Ed25519PublicKey: Int64] {
        try AppDatabase.run(path: path) { try database.inDatabase { try Self.validators($0) } }
    }

    public func value(forKey key: Bytes) throws(AppDatabaseError) -> Bytes? {
        try AppDatabase.run(path: path) {
            try database.inDatabase { db in
                try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM kv_pairs WHERE key = ?"),
                                  arguments: [Data(key)]).map { Bytes($0) }
            }
        }
    }

    public func node(_ key: SMTNodeKey) throws(AppDatabaseError) -> Bytes? {
        try AppDatabase.run(path: path) {
            try database.inDatabase { db in
                try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM kv_nodes WHERE version = ? AND hash = ?"),
                                  arguments: [key.version, Data(key.hash)]).map { Bytes($0) }
            }
        }
    }

    public func commit(_ batch: KVCommitBatch) throws(AppDatabaseError) {
        let height = batch.head.height
        try AppDatabase.run(path: path) {
            try database.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO kv_meta (id, height, size, root, root_version) VALUES (1, ?, ?, ?, ?)",
                               arguments: [height, batch.head.size, Data(batch.head.appHash), batch.head.root.version])
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
                // A node written at this very height (InitChain committed again at height 0, the
                // only height committed twice) may be written again under the same key by the
                // next InitChain, and a later prune would then delete the live copy: it goes now.
                let delete = try db.cachedStatement(sql: "DELETE FROM kv_nodes WHERE version = ? AND hash = ?")
                var listed = Bytes()
                for key in batch.tree.stale.sorted() {
                    if key.version >= height {
                        try delete.execute(arguments: [key.version, Data(key.hash)])
                    } else {
                        StaleList.append(key, to: &listed)
                    }
                }
                if !listed.isEmpty {
                    try db.execute(sql: "INSERT OR REPLACE INTO kv_stale (stale_since, keys) VALUES (?, ?)",
                                   arguments: [height, Data(listed)])
                }
                try Self.insert(batch.tree.created, db)
            }
            if height > 0, height % pruneInterval == 0 { try prune(through: height) }
        }
    }

    public func pairs(after key: Bytes?, limit: Int) throws(AppDatabaseError) -> [(key: Bytes, value: Bytes)] {
        try AppDatabase.run(path: path) { try database.inDatabase { db in try Self.pairs(db, after: key, limit: limit) } }
    }

    static func pairs(_ db: Database, after key: Bytes?, limit: Int) throws -> [(key: Bytes, value: Bytes)] {
        let rows = if let key {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM kv_pairs WHERE key > ? ORDER BY key LIMIT ?"),
                             arguments: [Data(key), limit])
        } else {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT key, value FROM kv_pairs ORDER BY key LIMIT ?"),
                             arguments: [limit])
        }
        return try rows.map { row in
            (try row.bytes(atIndex: 0, table: "kv_pairs", column: "key"),
             try row.bytes(atIndex: 1, table: "kv_pairs", column: "value"))
        }
    }

    public func readView() throws(AppDatabaseError) -> any KVStateReadView { try SQLiteKVReadView(path: path) }

    public func reset() throws(AppDatabaseError) {
        try AppDatabase.run(path: path) {
            try database.write { db in
                for table in ["kv_meta", "kv_pairs", "kv_validators", "kv_nodes", "kv_stale"] {
                    try db.execute(sql: "DELETE FROM \(table)")
                }
            }
        }
    }

    /// Deletes every node listed stale at `height` or before, in key order, in one transaction.
    func prune(through height: Int64) throws {
        try database.write { db in
            var keys: [SMTNodeKey] = []
            let lists = try Row.fetchCursor(db, sql: "SELECT keys FROM kv_stale WHERE stale_since <= ?", arguments: [height])
            while let row = try lists.next() {
                guard let decoded = StaleList.decode(try row.bytes(atIndex: 0, table: "kv_stale", column: "keys")) else {
                    throw AppDatabaseError(path: path, reason: "table kv_stale: keys is not a list of 40-byte node keys")
                }
                keys += decoded
            }
            let delete = try db.cachedStatement(sql: "DELETE FROM kv_nodes WHERE version = ? AND hash = ?")
            for key in keys.sorted() { try delete.execute(arguments: [key.version, Data(key.hash)]) }
            try db.execute(sql: "DELETE FROM kv_stale WHERE stale_since <= ?", arguments: [height])
        }
    }

    /// Inserts nodes in key order: all of a block's share its version, so they append.
    private static func insert(_ nodes: [SMTNodeKey: SMTNode], _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO kv_nodes (version, hash, body) VALUES (?, ?, ?)")
        for (key, node) in nodes.sorted(by: { $0.key < $1.key }) {
            try insert.execute(arguments: [key.version, Data(key.hash), Data(node.body)])
        }
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

/// A `kv_stale` row's node keys: `version (8, big-endian) ‖ hash (32)` each, concatenated.
enum StaleList {
    static let entrySize = 8 + SparseMerkleTree.hashSize

    static func append(_ key: SMTNodeKey, to out: inout Bytes) {
        SMTNodeKey.appendVersion(key.version, to: &out)
        out += key.hash
    }

    /// Nil when `bytes` is not a whole number of entries (a corrupt row).
    static func decode(_ bytes: Bytes) -> [SMTNodeKey]? {
        guard bytes.count % entrySize == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: entrySize).map { start in
            SMTNodeKey(version: SMTNodeKey.version(bytes, at: start), hash: Array(bytes[(start + 8)..<(start + entrySize)]))
        }
    }
}

/// The reader of a tree known to be empty: building one from scratch reads nothing.
private struct NoNodes: SMTNodeReader {
    func node(_ key: SMTNodeKey) throws -> SMTNode { throw SMTError.missingNode(hash: key.hash) }
}

extension KVStoreApplication {
    /// The kvstore `palisade start` runs for `proxy_app = "kvstore"`: state in the SQLite file at
    /// `databasePath` (created when missing), resumed from its last commit.
    public static func open(databasePath: String) async throws -> KVStoreApplication {
        try await restore(from: SQLiteKVStateStore(path: databasePath))
    }
}
