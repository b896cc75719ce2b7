import Foundation
import PalisadeState
import PalisadeStorage

extension NodeHome {
    /// `palisade rollback`: the store forgets its latest height (`BlockStore.rollbackLatestHeight`)
    /// so that a fixed app executes that block again at the next start. Only a stopped node can be
    /// rolled back: the home lock is held for the change. The WAL, the signer state and the keys are
    /// left alone (the node replays the height from its WAL and never signs below what it signed).
    /// Returns the state the store holds afterwards.
    public func rollback() throws -> ChainState {
        guard FileManager.default.fileExists(atPath: blockStoreFile) else {
            throw NodeHomeError.file(path: blockStoreFile, reason: "no block store: this node has no blocks to roll back")
        }
        let lock: HomeLock
        do { lock = try HomeLock(path: lockFile) } catch {
            throw NodeHomeError.file(path: lockFile, reason: "a palisade process is running on this home; stop it before a rollback")
        }
        return try withExtendedLifetime(lock) {
            try BlockStore(path: blockStoreFile).rollbackLatestHeight()
        }
    }
}
