import Foundation

/// A node that is not a validator, set up the way an operator would join a running network:
/// `palisade init` (which makes the node's own keys), the network's genesis copied over the
/// one-validator genesis `init` wrote, and `config.toml` edited for this node's ports and the
/// validators as `persistent_peers`. Its key is in no validator set, so it follows without signing.
extension Localnet {
    /// Writes `home(index)` for a full node; `index` must be past the validators and inside the
    /// port range the localnet checked free (`validators * 2` nodes).
    func addFullNode(_ index: Int) throws {
        guard let binary = Self.binary else { throw LocalnetError("no palisade binary") }
        guard index >= validators, index < validators * 2 else {
            throw LocalnetError("full node \(index): outside the localnet's free port range")
        }
        let genesisPath = home(0) + "/config/genesis.json"
        let genesis = try JSONTree(file: URL(fileURLWithPath: genesisPath))
        guard let chainID = genesis["chain_id"]?.string else { throw LocalnetError("\(genesisPath): no chain_id") }
        let initialized = try Self.runToEnd(binary, ["init", "--home", home(index), "--chain-id", chainID,
                                                     "--moniker", "full\(index)"])
        guard initialized.status == 0 else { throw LocalnetError("palisade init: \(initialized.output)") }
        // The network's genesis replaces the one-validator genesis `init` wrote.
        let ownGenesis = home(index) + "/config/genesis.json"
        try FileManager.default.removeItem(atPath: ownGenesis)
        try FileManager.default.copyItem(atPath: genesisPath, toPath: ownGenesis)
        var peers: [String] = []
        for validator in 0..<validators {
            let shown = try Self.runToEnd(binary, ["show-node-id", "--home", home(validator)])
            let id = shown.output.trimmingCharacters(in: .whitespacesAndNewlines)
            guard shown.status == 0, !id.isEmpty else { throw LocalnetError("show-node-id: \(shown.output)") }
            peers.append("\(id)@127.0.0.1:\(p2pPort(validator))")
        }
        let configPath = home(index) + "/config/config.toml"
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        config = try Self.settingTOML(config, section: "rpc", key: "laddr", to: "\"tcp://127.0.0.1:\(rpcPort(index))\"")
        config = try Self.settingTOML(config, section: "p2p", key: "laddr", to: "\"tcp://127.0.0.1:\(p2pPort(index))\"")
        config = try Self.settingTOML(config, section: "p2p", key: "persistent_peers",
                                      to: "\"\(peers.joined(separator: ","))\"")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sets `key` in `[section]` of every validator's `config.toml` (before they start), e.g.
    /// `timeout_propose` so that heights whose proposer is down cost less.
    func setConfig(section: String, key: String, to value: String) throws {
        for index in 0..<validators {
            let path = home(index) + "/config/config.toml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Self.settingTOML(text, section: section, key: key, to: value).write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// `text` with `key = …` in `[section]` replaced by `key = value`; throws if it is not there.
    static func settingTOML(_ text: String, section: String, key: String, to value: String) throws -> String {
        var current = ""
        var found = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                current = String(trimmed.dropFirst().dropLast())
                return String(line)
            }
            guard current == section, !found else { return String(line) }
            let parts = trimmed.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { return String(line) }
            found = true
            return "\(key) = \(value)"
        }
        guard found else { throw LocalnetError("config.toml: no \(key) in [\(section)]") }
        return lines.joined(separator: "\n")
    }
}
