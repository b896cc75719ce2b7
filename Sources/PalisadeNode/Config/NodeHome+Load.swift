import Foundation
import PalisadeCrypto
import PalisadeTypes

/// Why a home directory could not be loaded. Every case names the file, and the field when the
/// content is at fault, so the operator knows what to open and where to look.
public enum NodeHomeError: Error, Sendable, Equatable, CustomStringConvertible {
    case config(ConfigError)
    case genesis(GenesisError)
    /// `priv_validator_key.json`, `priv_validator_state.json` or `node_key.json`.
    case keyFile(KeyFileError)
    /// A file is missing or unreadable, or a command refused to touch it.
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case let .config(error): error.description
        case let .genesis(error): error.description
        case let .keyFile(error): error.description
        case let .file(path, reason): "\(path): \(reason)"
        }
    }
}

/// Everything `start` needs from the home, read and checked before anything runs.
public struct LoadedHome: Sendable {
    /// The home, with the loaded configuration (its paths are the ones used).
    public var home: NodeHome
    /// Unknown keys and sections in `config.toml`, one line each, for the log.
    public var warnings: [String]
    public var genesis: GenesisDoc
    public var privValidatorKey: PrivValidatorKey
    public var lastSignState: LastSignState
    public var nodeKey: NodeKey

    public var config: NodeConfig { home.config }

    /// Whether this node's key is in the genesis validator set.
    public var isGenesisValidator: Bool {
        genesis.validators.contains { $0.address == privValidatorKey.address }
    }
}

extension NodeHome {
    /// Reads and checks `config.toml`, then the genesis, the validator key and its sign state, and
    /// the node key, at the paths the config names. The first problem is thrown, naming its file
    /// and field. The sign state must exist: a validator whose record of what it signed is gone
    /// could sign twice, so that is the operator's decision (`palisade unsafe-reset-all`).
    public func load() throws(NodeHomeError) -> LoadedHome {
        let path = configFile
        guard FileManager.default.fileExists(atPath: path) else {
            throw .file(path: path, reason: "does not exist (create the home with `palisade init`)")
        }
        let (config, warnings): (NodeConfig, [String])
        do { (config, warnings) = try NodeConfig.load(contentsOf: path) } catch { throw .config(error) }
        let home = NodeHome(root: root, config: config)

        let genesisData = try Self.read(home.genesisFile)
        let genesis: GenesisDoc
        do { genesis = try GenesisDoc(json: genesisData, fileName: home.genesisFile) } catch { throw .genesis(error) }

        let keyData = try Self.read(home.privValidatorKeyFile)
        let key: PrivValidatorKey
        do { key = try PrivValidatorKey(jsonData: keyData, fileName: home.privValidatorKeyFile) } catch {
            throw .keyFile(error)
        }
        let stateData = try Self.read(home.privValidatorStateFile,
                                      missing: "does not exist; if this key has never signed, `palisade unsafe-reset-all` writes a fresh one")
        let state: LastSignState
        do { state = try LastSignState(jsonData: stateData, fileName: home.privValidatorStateFile) } catch {
            throw .keyFile(error)
        }
        let nodeKeyData = try Self.read(home.nodeKeyFile)
        let nodeKey: NodeKey
        do { nodeKey = try NodeKey(jsonData: nodeKeyData, fileName: home.nodeKeyFile) } catch { throw .keyFile(error) }

        return LoadedHome(home: home, warnings: warnings, genesis: genesis, privValidatorKey: key,
                          lastSignState: state, nodeKey: nodeKey)
    }

    /// The config at `config/config.toml`, or the defaults when there is none yet (for commands
    /// such as `show-node-id` that only need the paths).
    public func loadingConfigIfPresent() throws(NodeHomeError) -> NodeHome {
        guard FileManager.default.fileExists(atPath: configFile) else { return self }
        do { return NodeHome(root: root, config: try NodeConfig.load(contentsOf: configFile).0) } catch {
            throw .config(error)
        }
    }

    static func read(_ path: String, missing: String = "does not exist") throws(NodeHomeError) -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw .file(path: path, reason: missing) }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .file(path: path, reason: "cannot read: \(NodeConfig.readFailure(error))")
        }
    }
}
