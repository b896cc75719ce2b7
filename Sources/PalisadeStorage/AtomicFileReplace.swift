import Glibc
import PalisadeCrypto

/// Replaces a small file so that after a crash or power loss it holds either the old bytes or the
/// new ones, never a mix, and so that the new bytes are on disk when the call returns:
///
/// 1. write `.NAME.tmp` in the same directory (same file system, so step 3 is a rename, not a copy);
/// 2. `fsync` it: the new contents are durable before any name points at them;
/// 3. `rename` it over `NAME`: atomic, readers see old or new;
/// 4. `fsync` the directory: the rename itself survives a power loss.
///
/// The signer relies on step 4 having happened before a signature leaves the process: without
/// it, a power loss could bring back the old state file and let it sign a conflicting message.
enum AtomicFileReplace {
    /// Where a simulated crash stops the sequence (tests only): everything before the stage has
    /// been done, nothing after.
    enum Stage: Sendable, CaseIterable {
        case tempWritten
        case tempSynced
        case renamed
    }

    static func temporaryPath(for path: String) -> String {
        PosixFile.directory(of: path) + "/." + PosixFile.fileName(of: path) + ".tmp"
    }

    /// `crashAfter` is for tests: stop once that stage is done, as a `kill -9` there would, and
    /// report it as an error with operation "simulated crash after ...".
    static func replace(_ path: String, with bytes: Bytes, crashAfter: Stage? = nil) throws(FileIOError) {
        func crash(_ stage: Stage) throws(FileIOError) {
            if crashAfter == stage { throw FileIOError(path: path, operation: "simulated crash after \(stage)", errno: 0) }
        }
        let temporary = temporaryPath(for: path)
        // O_TRUNC: a temp file left by an earlier crash is simply overwritten.
        let fd = try PosixFile.openExisting(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try PosixFile.writeAll(fd: fd, bytes, path: temporary)
            try crash(.tempWritten)
            try PosixFile.syncFile(fd: fd, path: temporary)
        } catch {
            _ = close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileIOError(path: temporary, operation: "close", errno: errno) }
        try crash(.tempSynced)
        try PosixFile.replace(path, with: temporary)
        try crash(.renamed)
        try PosixFile.fsyncDirectory(PosixFile.directory(of: path))
    }
}
