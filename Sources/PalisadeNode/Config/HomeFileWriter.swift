import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes the home's files durably, with the permissions CometBFT gives them (keys 0600). A new
/// key file is created with `O_EXCL`, so `init` can never overwrite a key, even racing another
/// `init`; files that may be replaced (the sign state on reset) go through a temporary file and a
/// rename, so a crash leaves the old or the new content, never a torn one.
enum HomeFileWriter {
    /// Creates `path` with `data`; fails if it exists.
    static func createNew(_ path: String, _ data: Data, mode: mode_t) throws(NodeHomeError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            throw .file(path: path, reason: code == EEXIST ? "already exists; refusing to overwrite it" : "cannot create: \(describe(code))")
        }
        defer { close(fd) }
        try writeAll(fd, data, path: path)
        guard fsync(fd) == 0 else { throw .file(path: path, reason: "cannot sync: \(describe(errno))") }
        syncDirectory(of: path)
    }

    /// Replaces `path` with `data` atomically (temporary file, fsync, rename, fsync of the directory).
    static func replace(_ path: String, _ data: Data, mode: mode_t) throws(NodeHomeError) {
        let temporary = path + ".tmp"
        _ = unlink(temporary)
        try createNew(temporary, data, mode: mode)
        guard rename(temporary, path) == 0 else {
            let code = errno
            _ = unlink(temporary)
            throw .file(path: path, reason: "cannot replace: \(describe(code))")
        }
        syncDirectory(of: path)
    }

    /// `mkdir -p`, with CometBFT's 0700 for new directories.
    static func createDirectory(_ path: String) throws(NodeHomeError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .file(path: path, reason: "cannot create the directory: \(NodeConfig.readFailure(error))")
        }
    }

    static func createParent(of path: String) throws(NodeHomeError) {
        try createDirectory((path as NSString).deletingLastPathComponent)
    }

    private static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(NodeHomeError) {
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .file(path: path, reason: "cannot write: \(describe(errno))")
            }
            offset += written
        }
    }

    /// Makes a new directory entry durable. Best effort: a failure here leaves the data synced.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
