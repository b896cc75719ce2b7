import Glibc

/// One process per home: two validators sharing a signer state file could each sign a different
/// message at one height (FilePrivValidator's documented hazard). An advisory `flock` held for
/// the process's lifetime; the kernel drops it when the process dies, even by kill -9.
final class HomeLock: Sendable {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw NodeError.storage("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw NodeError.storage("\(path) is locked: another palisade process is running on this home")
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }
}
