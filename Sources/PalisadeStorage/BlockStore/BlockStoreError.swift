/// Why the block store could not open, save or read. It always names the database file and what
/// was being done, so an operator reading a log line knows which file to inspect or restore.
public struct BlockStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened as this store: not SQLite, corrupt, unreadable, or
        /// written by a newer version of Palisade.
        case open
        /// SQLite refused a read or a write (disk full, I/O error, corruption found later).
        case database
        /// A stored row does not decode: the file was damaged or edited outside Palisade.
        case corruptRecord
        /// The caller asked for something the store must refuse (a gap in heights, a commit for
        /// another block); nothing was written.
        case invalidArgument
    }

    public var kind: Kind
    /// The database file.
    public var path: String
    /// What was being done: `open`, `save height 7`, `read block at height 7`.
    public var operation: String
    public var reason: String

    public init(kind: Kind, path: String, operation: String, reason: String) {
        self.kind = kind
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "block store \(path): \(operation): \(reason)" }
}
