import Foundation
import PalisadeCrypto

extension NodeHome {
    /// `palisade unsafe-reset-all`: forget the chain but keep the identity. Removes everything in
    /// `db_dir` (blocks, state, app and index databases) and the consensus WAL, and writes a sign
    /// state at height 0; the keys, genesis and config stay. Unsafe because a validator that
    /// rejoins a chain it has signed on can sign twice. Returns the paths removed.
    ///
    /// Refuses when `db_dir` would take the config, a key or the genesis with it (a `db_dir` of
    /// "." or "/" in an edited config), since those are what "keep the identity" means.
    public func unsafeResetAll() throws(NodeHomeError) -> [String] {
        let data = Self.standardized(dataDirectory)
        let kept = [("config/config.toml", configFile), ("genesis_file", genesisFile),
                    ("priv_validator_key_file", privValidatorKeyFile), ("node_key_file", nodeKeyFile)]
        for (name, path) in kept where Self.standardized(path).hasPrefix(data + "/") || data == "/" {
            throw .file(path: path, reason: "db_dir \(config.dbDir) contains this file (\(name)); refusing to reset")
        }
        var removed: [String] = []
        let stateFile = Self.standardized(privValidatorStateFile)
        let lockFile = Self.standardized(self.lockFile)
        // Held until the reset is done: a node running on this home holds it, and a node started
        // meanwhile waits for nothing but finds it taken. The lock file itself stays, so nobody
        // can lock a new one beside ours.
        var lock: HomeLock?
        if FileManager.default.fileExists(atPath: data) {
            do { lock = try HomeLock(path: lockFile) } catch {
                throw .file(path: lockFile, reason: "a palisade process is running on this home; stop it before a reset")
            }
        }
        defer { withExtendedLifetime(lock) {} }
        if FileManager.default.fileExists(atPath: data) {
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: data) } catch {
                throw .file(path: data, reason: "cannot list: \(NodeConfig.readFailure(error))")
            }
            for entry in entries.sorted() {
                let path = data + "/" + entry
                if path == stateFile || path == lockFile { continue }
                try Self.remove(path)
                removed.append(path)
            }
        }
        let wal = Self.standardized(walFile)
        if !wal.hasPrefix(data + "/"), FileManager.default.fileExists(atPath: wal) {
            try Self.remove(wal)
            removed.append(wal)
        }
        try HomeFileWriter.createDirectory(data)
        try HomeFileWriter.createParent(of: privValidatorStateFile)
        try HomeFileWriter.replace(privValidatorStateFile, LastSignState.initial.jsonData(), mode: 0o600)
        return removed
    }

    static func standardized(_ path: String) -> String {
        let standard = (path as NSString).standardizingPath
        return standard.count > 1 && standard.hasSuffix("/") ? String(standard.dropLast()) : standard
    }

    private static func remove(_ path: String) throws(NodeHomeError) {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw .file(path: path, reason: "cannot remove: \(NodeConfig.readFailure(error))")
        }
    }
}
