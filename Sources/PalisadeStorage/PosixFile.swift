import Glibc
import PalisadeCrypto

/// A system call on a file failed. Names the path and the call so an operator can see which file
/// (full disk, permissions, a directory where a file should be) stopped the validator.
public struct FileIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The few POSIX calls the durable files need, with `EINTR` retried and short writes completed.
/// Plain file descriptors rather than `FileHandle`, because the safety argument depends on
/// knowing exactly which `fsync`/`fdatasync` runs when.
enum PosixFile {
    /// Opens `path`; `nil` when it does not exist (ENOENT) so callers can tell "absent" from "broken".
    static func openIfExists(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(FileIOError) -> Int32? {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT { return nil }
            throw FileIOError(path: path, operation: "open", errno: code)
        }
    }

    static func openExisting(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(FileIOError) -> Int32 {
        guard let fd = try openIfExists(path, flags: flags, mode: mode) else {
            throw FileIOError(path: path, operation: "open", errno: ENOENT)
        }
        return fd
    }

    /// The whole file from offset 0, or `nil` when it does not exist.
    static func readAll(_ path: String) throws(FileIOError) -> Bytes? {
        guard let fd = try openIfExists(path, flags: O_RDONLY) else { return nil }
        defer { _ = close(fd) }
        return try readAll(fd: fd, path: path)
    }

    static func readAll(fd: Int32, path: String) throws(FileIOError) -> Bytes {
        var result: Bytes = []
        var chunk = Bytes(repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
    }

    /// Writes every byte (a short write is continued, not reported as success).
    static func writeAll(fd: Int32, _ bytes: Bytes, path: String) throws(FileIOError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, operation: "write", errno: errno)
            }
            written += n
        }
    }

    static func syncFile(fd: Int32, path: String) throws(FileIOError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw FileIOError(path: path, operation: "fsync", errno: errno)
        }
    }

    static func syncData(fd: Int32, path: String) throws(FileIOError) {
        while fdatasync(fd) != 0 {
            if errno == EINTR { continue }
            throw FileIOError(path: path, operation: "fdatasync", errno: errno)
        }
    }

    static func truncate(fd: Int32, to length: Int, path: String) throws(FileIOError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw FileIOError(path: path, operation: "ftruncate", errno: errno)
        }
    }

    static func replace(_ to: String, with from: String) throws(FileIOError) {
        guard rename(from, to) == 0 else { throw FileIOError(path: to, operation: "rename from \(from)", errno: errno) }
    }

    /// Makes a directory's entries durable: a new or renamed file is only guaranteed to be found
    /// after a power loss once its directory has been fsynced.
    static func fsyncDirectory(_ directory: String) throws(FileIOError) {
        let fd = try openExisting(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { _ = close(fd) }
        try syncFile(fd: fd, path: directory)
    }

    /// The directory part of `path` ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
