import Glibc

/// Keeps a second process from signing with the same `priv_validator_state.json`: two signers on
/// one state file can each sign a different message at one height. The node's home lock covers
/// one home; this covers a state file named by two homes' configs (or a copy of the home run from
/// elsewhere with the same `priv_validator_state_file`).
///
/// The lock is a POSIX record lock on `<state file>.lock` beside the state file, not on the state
/// file itself: every signature replaces the state file by a rename, so a lock on it would stay
/// on the old inode and the next process would lock the new one unopposed. A record lock belongs
/// to the process, so the in-process tests that open a signer twice are not refused, and the
/// kernel drops it when the process dies, even by kill -9.
final class SignerStateLock: Sendable {
    let path: String
    private let fd: Int32

    init(statePath: String) throws(FilePrivValidatorError) {
        let path = statePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(FileIOError(path: path, operation: "open", errno: errno)) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_SETLK, &lock) == 0 else {
            close(fd)
            throw .stateLocked(path: path)
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }
}
