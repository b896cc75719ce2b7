import Foundation

/// A node that is not a validator, set up the way an operator joins a running network:
/// `palisade init --genesis G --persistent-peers P` (the node's own keys, the network's genesis
/// copied as it is, the validators as persistent peers), with listen addresses of its own since
/// it shares the host. Its key is in no validator set, so it follows without signing.
extension Localnet {
    /// Writes `home(index)` for a full node; `index` must be past the validators and inside the
    /// port range the localnet checked free (`validators * 2` nodes).
    func addFullNode(_ index: Int) throws {
        guard let binary = Self.binary else { throw LocalnetError("no palisade binary") }
        guard index >= validators, index < validators * 2 else {
            throw LocalnetError("full node \(index): outside the localnet's free port range")
        }
        var peers: [String] = []
        for validator in 0..<validators {
            let shown = try Self.runToEnd(binary, ["show-node-id", "--home", home(validator)])
            let id = shown.output.trimmingCharacters(in: .whitespacesAndNewlines)
            guard shown.status == 0, !id.isEmpty else { throw LocalnetError("show-node-id: \(shown.output)") }
            peers.append("\(id)@127.0.0.1:\(p2pPort(validator))")
        }
        let initialized = try Self.runToEnd(binary, [
            "init", "--home", home(index), "--moniker", "full\(index)",
            "--genesis", home(0) + "/config/genesis.json", "--persistent-peers", peers.joined(separator: ","),
            "--p2p-laddr", "tcp://127.0.0.1:\(p2pPort(index))", "--rpc-laddr", "tcp://127.0.0.1:\(rpcPort(index))",
        ])
        guard initialized.status == 0 else { throw LocalnetError("palisade init: \(initialized.output)") }
    }

    /// Sets `key` in `[section]` of every validator's `config.toml` (before they start), e.g.
    /// `timeout_propose` so that heights whose proposer is down cost less.
    /// `palisade inspect` on node `index`'s home (the node must be stopped), output discarded;
    /// the caller kills it.
    func startInspect(_ index: Int) throws -> Process {
        guard let binary = Self.binary else { throw LocalnetError("no palisade binary") }
        let inspect = Process()
        inspect.executableURL = URL(fileURLWithPath: binary)
        inspect.arguments = ["inspect", "--home", home(index)]
        inspect.standardOutput = FileHandle.nullDevice
        inspect.standardError = FileHandle.nullDevice
        try inspect.run()
        return inspect
    }

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
