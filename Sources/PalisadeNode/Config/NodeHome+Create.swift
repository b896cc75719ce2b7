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
        try create(genesisJSON: genesis.jsonData(), privValidatorKey: privValidatorKey, nodeKey: nodeKey)
    }

    /// `create` with the genesis as file bytes (a joined network's genesis, kept as it was written).
    func create(genesisJSON: Data, privValidatorKey: PrivValidatorKey, nodeKey: NodeKey) throws(NodeHomeError) {
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
        try HomeFileWriter.createNew(genesisFile, genesisJSON, mode: 0o644)
    }

    /// `palisade init`: fresh keys from `generator` (the system CSPRNG outside tests) and either a
    /// one-validator genesis with CometBFT's power of 10, or, with `options.genesisFile`, the
    /// genesis of a running network to join (its chain ID must match `chainID` when both are
    /// given). An existing `config.toml` is honoured (its paths are used) and never rewritten, so
    /// options meant for it are refused; otherwise one is written with `moniker` and `options`.
    public static func initialize(root: String, chainID: String?, moniker: String, genesisTime: Timestamp,
                                  options: InitOptions = InitOptions(),
                                  using generator: inout some RandomNumberGenerator) throws(NodeHomeError) -> LoadedHome {
        var home = try NodeHome(root: root).loadingConfigIfPresent()
        if FileManager.default.fileExists(atPath: home.configFile) {
            if options.changesConfig {
                throw .file(path: home.configFile, reason: "already exists and is kept, so --persistent-peers, "
                    + "--p2p-laddr and --rpc-laddr would be lost; set them in it instead, or remove it")
            }
        } else {
            home.config.moniker = moniker
            options.apply(to: &home.config)
        }
        let key = PrivValidatorKey.generate(using: &generator)
        let nodeKey = NodeKey.generate(using: &generator)
        let genesisJSON: Data
        if let path = options.genesisFile {
            genesisJSON = try read(path)
            let joined: GenesisDoc
            do { joined = try GenesisDoc(json: genesisJSON, fileName: path) } catch { throw .genesis(error) }
            if let chainID, chainID != joined.chainID {
                throw .file(path: path, reason: "its chain_id is \"\(joined.chainID)\", not --chain-id \"\(chainID)\"")
            }
        } else {
            let genesis = GenesisDoc(
                genesisTime: genesisTime,
                chainID: chainID ?? "test-chain-" + randomSuffix(using: &generator),
                validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
            do { try genesis.validate(fileName: "--chain-id") } catch {
                throw .genesis(error)
            }
            genesisJSON = genesis.jsonData()
        }
        try home.create(genesisJSON: genesisJSON, privValidatorKey: key, nodeKey: nodeKey)
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
