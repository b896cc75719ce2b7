import Foundation
import GRDB
import PalisadeCrypto

/// A database file an app could not open, read or write: names the file, so an operator knows
/// which one to restore or delete, and says what SQLite (or the app's own check) found wrong.
public struct AppDatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "app database \(path): \(reason)" }
}

/// Opens an app's SQLite file the way a replicated state machine needs it: WAL journal (a
/// commit is one append, readers never block the writer) and `synchronous = FULL` (a commit that
/// returned survives a power cut, so `info` never reports a height the file has lost). The schema
/// comes from `migrator`; opening an older file upgrades it in place.
enum AppDatabase {
    static func open(path: String, migrator: DatabaseMigrator) throws(AppDatabaseError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // Set after opening, and read back: GRDB's WAL setup runs after `prepareDatabase`
            // and sets NORMAL, which loses the last commits on a power cut.
            let level = try queue.writeWithoutTransaction { db -> Int? in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard level == Self.synchronousFull else {
                throw AppDatabaseError(path: path, reason: "PRAGMA synchronous is \(level.map(String.init) ?? "unknown") after setting FULL (2)")
            }
            try migrator.migrate(queue)
        } catch {
            throw AppDatabaseError(path: path, reason: reason(error))
        }
        return queue
    }

    /// SQLite's value for `synchronous = FULL`.
    static let synchronousFull = 2

    /// The `synchronous` level `queue` runs at (tests check it is FULL).
    static func synchronousLevel(_ queue: DatabaseQueue) -> Int? {
        try? queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }

    /// SQLite's own message ("file is not a database") rather than GRDB's full description,
    /// which repeats the SQL statement.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.message ?? "SQLite error") (SQLite code \(error.extendedResultCode.rawValue))"
        }
        if let error = error as? AppDatabaseError { return error.reason }
        return String(describing: error)
    }

    /// Runs `body` and turns any failure into an `AppDatabaseError` naming `path`.
    static func run<T>(path: String, _ body: () throws -> T) throws(AppDatabaseError) -> T {
        do {
            return try body()
        } catch {
            throw AppDatabaseError(path: path, reason: reason(error))
        }
    }
}

extension Row {
    /// A BLOB column as `Bytes`; a NULL or a value of another type is a corrupt row.
    func bytes(atIndex index: Int, table: String, column: String) throws -> Bytes {
        guard let data = try? decode(Data.self, atIndex: index) else {
            throw AppDatabaseError(path: "", reason: "table \(table), column \(column): not a blob")
        }
        return Bytes(data)
    }

    /// An INTEGER column; a NULL or a value of another type is a corrupt row.
    func int64(atIndex index: Int, table: String, column: String) throws -> Int64 {
        guard let value = try? decode(Int64.self, atIndex: index) else {
            throw AppDatabaseError(path: "", reason: "table \(table), column \(column): not an integer")
        }
        return value
    }
}
