import Foundation
import PalisadeCrypto
import PalisadeTypes

extension NodeHome {
    /// Writes a complete home: `config.toml` (unless one is already there, which is then the
    /// operator's and kept), the genesis, both keys and a fresh sign state. If any of the genesis,
    /// key or state files exists, nothing is written: a key is never overwritten, and a new key
    /// next to an old genesis or sign state would be a validator that cannot sign or one that
    /// forgot what it signed.
    public func create(genesis: GenesisDoc, privValidatorKey: PrivValidatorKey, nodeKey: NodeKey) throws(NodeHomeError) {
        let guarded = [genesisFile, privValidatorKeyFile, privValidatorStateFile, nodeKeyFile]
        for path in guarded where FileManager.default.fileExists(atPath: path) {
            throw .file(path: path, reason: "already exists; refusing to overwrite it (remove the home or use another --home)")
        }
        try HomeFileWriter.createDirectory(root)
        try HomeFileWriter.createDirectory(configDirectory)
        try HomeFileWriter.createDirectory(dataDirectory)
        for path in guarded + [walFile] { try HomeFileWriter.createParent(of: path) }
        if !FileManager.default.fileExists(atPath: configFile) {
            try HomeFileWriter.createNew(configFile, Data(config.render().utf8), mode: 0o644)
        }
        try HomeFileWriter.createNew(privValidatorKeyFile, privValidatorKey.jsonData(), mode: 0o600)
        try HomeFileWriter.createNew(privValidatorStateFile, LastSignState.initial.jsonData(), mode: 0o600)
        try HomeFileWriter.createNew(nodeKeyFile, nodeKey.jsonData(), mode: 0o600)
        try HomeFileWriter.createNew(genesisFile, genesis.jsonData(), mode: 0o644)
    }

    /// `palisade init`: fresh keys from `generator` (the system CSPRNG outside tests) and a
    /// one-validator genesis with CometBFT's power of 10. An existing `config.toml` is honoured
    /// (its paths are used); otherwise one is written with `moniker`.
    public static func initialize(root: String, chainID: String?, moniker: String, genesisTime: Timestamp,
                                  using generator: inout some RandomNumberGenerator) throws(NodeHomeError) -> LoadedHome {
        var home = try NodeHome(root: root).loadingConfigIfPresent()
        if !FileManager.default.fileExists(atPath: home.configFile) { home.config.moniker = moniker }
        let key = PrivValidatorKey.generate(using: &generator)
        let nodeKey = NodeKey.generate(using: &generator)
        let genesis = GenesisDoc(
            genesisTime: genesisTime,
            chainID: chainID ?? "test-chain-" + randomSuffix(using: &generator),
            validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
        do { try genesis.validate(fileName: "--chain-id") } catch {
            throw .genesis(error)
        }
        try home.create(genesis: genesis, privValidatorKey: key, nodeKey: nodeKey)
        return try home.load()
    }

    /// Six letters and digits, as CometBFT's default chain IDs end (`test-chain-Ab3xYz`).
    static func randomSuffix(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<6).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

extension Timestamp {
    /// The wall clock, for a new genesis; the node's runtime clock is not read from here.
    public static func genesisNow() -> Timestamp {
        let interval = Date().timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let micros = ((interval - seconds) * 1_000_000).rounded(.down)
        return Timestamp(seconds: Int64(seconds), nanos: Int32(micros) * 1000)
    }
}
