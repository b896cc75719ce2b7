import GRDB
import GRDBSQLite

/// Stops a read that runs past its deadline, through SQLite's progress handler: SQLite calls it
/// every `checkInterval` virtual-machine steps and abandons the statement (`SQLITE_INTERRUPT`)
/// when it says so. Unlike `interrupt()` on the pool, it touches only this connection, so the
/// indexing writer and other searches carry on.
enum QueryBudget {
    /// VM steps between clock reads: often enough to stop within microseconds, rare enough to cost
    /// nothing measurable.
    static let checkInterval: Int32 = 1_000

    private final class Deadline: Sendable {
        let instant: ContinuousClock.Instant
        init(_ instant: ContinuousClock.Instant) { self.instant = instant }
    }

    /// Runs `body` on `db` with a deadline `budget` from now; a statement still running then fails
    /// with SQLite's interrupt error, which the caller reports as `IndexerError.timedOut`.
    static func run<T>(_ db: Database, budget: Duration, _ body: () throws -> T) throws -> T {
        let deadline = Deadline(ContinuousClock.now.advanced(by: budget))
        let connection = db.sqliteConnection
        let context = Unmanaged.passUnretained(deadline).toOpaque()
        sqlite3_progress_handler(connection, checkInterval, { context in
            guard let context else { return 0 }
            let deadline = Unmanaged<Deadline>.fromOpaque(context).takeUnretainedValue()
            return ContinuousClock.now >= deadline.instant ? 1 : 0
        }, context)
        defer { sqlite3_progress_handler(connection, 0, nil, nil) }
        return try withExtendedLifetime(deadline) { try body() }
    }
}
