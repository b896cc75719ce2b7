import Foundation
import GRDB
import PalisadeABCI

/// The committed pairs as they stood when the view was made, readable while later blocks commit:
/// what lets a snapshot be written off the Commit path and still be exactly one height's state.
public protocol KVStateReadView: Sendable {
    /// As `KVStateStore.pairs(after:limit:)`, but of the pinned state.
    func pairs(after key: Bytes?, limit: Int) throws(AppDatabaseError) -> [(key: Bytes, value: Bytes)]
    /// Releases the pinned state (for SQLite, ends the read transaction so the WAL can be
    /// checkpointed past it).
    func close()
}

/// A read-only pool on the kvstore's file with a GRDB snapshot taken at once: in WAL mode the
/// snapshot's connection sees the database as of its creation, whatever the store's own
/// connection commits afterwards, and never blocks it.
final class SQLiteKVReadView: KVStateReadView, Sendable {
    private let pool: DatabasePool
    private let snapshot: DatabaseSnapshot
    private let path: String

    init(path: String) throws(AppDatabaseError) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            snapshot = try pool.makeSnapshot()
        } catch {
            throw AppDatabaseError(path: path, reason: AppDatabase.reason(error))
        }
    }

    func pairs(after key: Bytes?, limit: Int) throws(AppDatabaseError) -> [(key: Bytes, value: Bytes)] {
        try AppDatabase.run(path: path) {
            try snapshot.read { db in try SQLiteKVStateStore.pairs(db, after: key, limit: limit) }
        }
    }

    func close() {
        try? snapshot.close()
        try? pool.close()
    }
}

/// The in-memory store's view: a copy of its pairs (a copy-on-write dictionary, so cheap until
/// the store changes), sorted once.
struct InMemoryKVReadView: KVStateReadView {
    let sorted: [(key: Bytes, value: Bytes)]

    init(pairs: [Bytes: Bytes]) {
        sorted = pairs.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
    }

    func pairs(after key: Bytes?, limit: Int) -> [(key: Bytes, value: Bytes)] {
        let start = key.map { k in sorted.firstIndex { k.lexicographicallyPrecedes($0.key) } ?? sorted.count } ?? 0
        return Array(sorted[start..<min(sorted.count, start + limit)])
    }

    func close() {}
}
