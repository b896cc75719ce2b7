import Foundation

/// A node's home directory in CometBFT's layout:
///
///     config/config.toml               NodeConfig
///     config/genesis.json              genesis_file
///     config/priv_validator_key.json   priv_validator_key_file
///     config/node_key.json             node_key_file
///     data/priv_validator_state.json   priv_validator_state_file
///     data/                            db_dir: block store, state, app and index databases
///     data/cs.wal/wal                  [consensus] wal_file
///
/// `config.toml` is always at `config/config.toml`; every other path comes from it, relative to
/// the home unless absolute, so a CometBFT home with moved files still loads.
public struct NodeHome: Sendable, Hashable {
    /// The home directory itself.
    public let root: String
    /// The configuration the other paths are taken from.
    public var config: NodeConfig

    public init(root: String, config: NodeConfig = .default) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.config = config
    }

    public var configDirectory: String { resolve("config") }
    public var configFile: String { resolve("config/config.toml") }
    public var genesisFile: String { resolve(config.genesisFile) }
    public var privValidatorKeyFile: String { resolve(config.privValidatorKeyFile) }
    public var privValidatorStateFile: String { resolve(config.privValidatorStateFile) }
    public var nodeKeyFile: String { resolve(config.nodeKeyFile) }
    /// `db_dir`: the databases (blocks, state, app, tx index) go in here.
    public var dataDirectory: String { resolve(config.dbDir) }
    public var walFile: String { resolve(config.consensus.walFile) }
    /// Held by the process running this home (`HomeLock`), and by `unsafe-reset-all`.
    public var lockFile: String { dataDirectory + "/palisade.lock" }

    /// `path` as written in the config, made absolute against the home.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : root + "/" + path
    }

    /// The home the command line asked for: `--home`, else `$PALISADE_HOME`, else `~/.palisade`.
    /// A leading `~/` is expanded, since the shell does not do it inside `--home=~/x`.
    public static func resolveRoot(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let chosen = option ?? environment["PALISADE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "~/.palisade"
        if chosen == "~" { return home }
        if chosen.hasPrefix("~/") { return home + chosen.dropFirst(1) }
        return chosen
    }
}
