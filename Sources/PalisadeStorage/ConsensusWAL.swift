import Glibc
import PalisadeConsensus
import PalisadeCrypto

/// The consensus write-ahead log (ARCHITECTURE §5 rules 2 and 4): every state-changing input, in
/// the order the core saw it, so a restart can replay them through the same `handle` and reach
/// the same state — in particular the same locks, so it never prevotes against its own lock.
///
/// Durability contract: `append` only hands the record to the kernel; `sync` (`fdatasync`) makes
/// every appended record durable. The shell calls `sync` after `.persist(input)` and before
/// executing any directive that input caused, so nothing leaves the process (a signature, a
/// message) that a restarted node could fail to reproduce. Records appended but not yet synced
/// may be lost or torn by a crash; opening the log truncates such a tail.
///
/// Size: bounded by compaction (`ConsensusWAL+Compaction`): once a height is stored and the file
/// is past `maxBytes`, it is replaced by a file holding only that height's marker, so the log holds
/// at most `maxBytes` plus one height and replay reads no more.
public final class ConsensusWAL {
    public let path: String
    /// Set when opening found a torn or corrupt tail and truncated it: the line to log.
    public let recoveryNote: String?
    /// Past this many bytes, a stored height's marker starts a new file.
    public let maxBytes: Int
    var fd: Int32
    /// The file's length after the last complete record: where a failed append is cut back to.
    var size: Int

    /// 4 MiB: a few hundred empty heights of four validators, or one height of a large block; a
    /// compaction costs one small file write and three fsyncs.
    public static let defaultMaxBytes = 4 << 20

    /// Opens or creates the log and recovers it: a damaged tail is cut off (and the cut made
    /// durable before anything new is appended after it); damage in the middle throws.
    public init(path: String, maxBytes: Int = ConsensusWAL.defaultMaxBytes) throws(WALError) {
        let descriptor: Int32
        do {
            if let existing = try PosixFile.openIfExists(path, flags: O_RDWR | O_APPEND) {
                descriptor = existing
            } else {
                descriptor = try PosixFile.openExisting(path, flags: O_RDWR | O_APPEND | O_CREAT | O_EXCL)
                // A new file's name must survive a power loss, or the synced records in it would not.
                try PosixFile.fsyncDirectory(PosixFile.directory(of: path))
            }
        } catch {
            throw .io(error)
        }
        var note: String?
        var size = 0
        do throws(WALError) {
            let scan = try Self.scan(fd: descriptor, path: path)
            size = scan.validLength
            if let damage = scan.damage {
                // fsync, not fdatasync: the new length must be durable before records are appended
                // after it, or a power loss could resurrect the damaged bytes between old and new.
                do {
                    try PosixFile.truncate(fd: descriptor, to: scan.validLength, path: path)
                    try PosixFile.syncFile(fd: descriptor, path: path)
                } catch {
                    throw WALError.io(error)
                }
                note = "\(path): truncated damaged tail (\(damage)); kept \(scan.entries.count) records, \(scan.validLength) bytes"
            }
        } catch {
            _ = Glibc.close(descriptor)
            throw error
        }
        self.path = path
        self.fd = descriptor
        self.recoveryNote = note
        self.size = size
        self.maxBytes = maxBytes
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    /// Releases the file. Appending afterwards reports `EBADF`.
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Writes one record with a single `write` (O_APPEND); not durable until `sync`. If the write
    /// fails partway (disk full), the partial record is cut off again, so the next append does not
    /// land after damage that a restart would report as corruption in the middle.
    public func append(_ entry: WALEntry) throws(WALError) {
        let payload = entry.encoded()
        guard payload.count <= WALRecord.maxPayload else { throw .entryTooLarge(bytes: payload.count) }
        let record = WALRecord.frame(payload)
        do {
            try PosixFile.writeAll(fd: fd, record, path: path)
        } catch {
            try? PosixFile.truncate(fd: fd, to: size, path: path)
            throw .io(error)
        }
        size += record.count
    }

    public func append(_ input: Input) throws(WALError) { try append(.input(input)) }

    /// `fdatasync`: every appended record (and the file length that covers it) is on disk when
    /// this returns. Protects rule 2: an input is durable before its directives are executed.
    public func sync() throws(WALError) {
        do { try PosixFile.syncData(fd: fd, path: path) } catch { throw .io(error) }
    }

    /// Every entry in the file, in order.
    public func readAll() throws(WALError) -> [WALEntry] {
        try scan().entries.map(\.entry)
    }

    /// The inputs to replay when (re)starting `height`: everything after the `endHeight(height - 1)`
    /// marker. A log with no markers at all (the node's first height) replays from the beginning.
    public func inputs(forHeight height: Int64) throws(WALError) -> [Input] {
        try entries(forHeight: height).compactMap { if case let .input(input) = $0 { input } else { nil } }
    }

    /// As `inputs(forHeight:)`, with the block parts logged among them, in log order.
    public func entries(forHeight height: Int64) throws(WALError) -> [WALEntry] {
        try Self.replaySlice(of: readAll(), forHeight: height, path: path)
    }

    /// The part of a log's `entries` that (re)starting `height` replays: what follows the
    /// `endHeight(height - 1)` marker, or everything when there is no marker at all. Any log
    /// (this file, the simulator's memory) cuts the same way.
    public static func replaySlice(of entries: [WALEntry], forHeight height: Int64,
                                   path: String) throws(WALError) -> [WALEntry] {
        let start: Int
        if let marker = entries.lastIndex(of: .endHeight(height - 1)) {
            start = marker + 1
        } else if !entries.contains(where: { if case .endHeight = $0 { true } else { false } }) {
            start = 0
        } else {
            throw .missingEndHeight(path: path, height: height - 1)
        }
        return Array(entries[start...])
    }

    /// Re-reads the file; damage that appeared since opening is reported, never truncated here.
    private func scan() throws(WALError) -> WALScan { try Self.scan(fd: fd, path: path) }

    private static func scan(fd: Int32, path: String) throws(WALError) -> WALScan {
        let bytes: Bytes
        do { bytes = try PosixFile.readAll(fd: fd, path: path) } catch { throw .io(error) }
        return try WALScan.scan(bytes, path: path)
    }
}

@available(*, unavailable, message: "one owner appends; share it through an actor")
extension ConsensusWAL: Sendable {}
