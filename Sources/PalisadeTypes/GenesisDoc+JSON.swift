import Foundation
import PalisadeCrypto

extension GenesisDoc {
    /// The `type` CometBFT's amino JSON gives Ed25519 public keys.
    public static let ed25519KeyType = "tendermint/PubKeyEd25519"

    /// Decodes and validates CometBFT's `genesis.json`. Pure: the caller reads the file and passes
    /// its bytes and name; every error names that file and the field path. Unknown keys are ignored
    /// and missing ones read as zero, as Go's decoder does; validation then rejects what must be set.
    public init(json data: Data, fileName: String) throws(GenesisError) {
        let reader = GenesisReader(file: fileName)
        let bytes = Bytes(data)
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw GenesisError(file: fileName, field: "(json)", reason: "\(error.reason) at byte \(error.offset)")
        }
        try reader.requireObject(root, "(root)")
        let time = try reader.string(root["genesis_time"], "genesis_time")
        var genesisTime = Timestamp.goZero
        if !time.isEmpty {
            guard let parsed = Timestamp(rfc3339: time) else {
                throw reader.fail("genesis_time", "\"\(time)\" is not an RFC 3339 time")
            }
            genesisTime = parsed
        }
        let initialHeight = try reader.int64(root["initial_height"], "initial_height")
        guard initialHeight >= 0 else { throw reader.fail("initial_height", "cannot be negative, got \(initialHeight)") }
        var params = ConsensusParams.default
        if let node = root["consensus_params"], !reader.isNull(node) {
            params = try reader.consensusParams(node, "consensus_params")
        }
        var validators: [GenesisValidator] = []
        if let node = root["validators"], !reader.isNull(node) {
            validators = try reader.array(node, "validators").enumerated().map { (i, v) throws(GenesisError) in
                try reader.validator(v, "validators[\(i)]")
            }
        }
        let appHashText = try reader.string(root["app_hash"], "app_hash")
        guard let appHash = Bytes(hex: appHashText) else { throw reader.fail("app_hash", "not hex") }
        let appState = root["app_state"].map { Bytes(bytes[$0.range]) } ?? []
        self.init(genesisTime: genesisTime, chainID: try reader.string(root["chain_id"], "chain_id"),
                  initialHeight: initialHeight == 0 ? 1 : initialHeight, consensusParams: params,
                  validators: validators, appHash: appHash, appState: appState)
        try validate(fileName: fileName)
    }
}

/// Typed access to the parsed JSON with CometBFT's conventions (int64 as strings, bytes as hex or
/// base64), turning every mismatch into a `GenesisError` at the exact path.
struct GenesisReader {
    let file: String

    func fail(_ path: String, _ reason: String) -> GenesisError { GenesisError(file: file, field: path, reason: reason) }

    func isNull(_ node: JSONNode) -> Bool { if case .null = node.value { true } else { false } }

    func requireObject(_ node: JSONNode, _ path: String) throws(GenesisError) {
        guard case .object = node.value else { throw fail(path, "expected an object, found \(node.kind)") }
    }

    func array(_ node: JSONNode, _ path: String) throws(GenesisError) -> [JSONNode] {
        guard case .array(let elements) = node.value else { throw fail(path, "expected an array, found \(node.kind)") }
        return elements
    }

    /// A missing or null string reads as "".
    func string(_ node: JSONNode?, _ path: String) throws(GenesisError) -> String {
        guard let node, !isNull(node) else { return "" }
        guard case .string(let text) = node.value else { throw fail(path, "expected a string, found \(node.kind)") }
        return text
    }

    /// int64 as CometBFT writes it (a decimal string); a bare JSON integer is accepted too.
    /// Missing or null reads as 0.
    func int64(_ node: JSONNode?, _ path: String) throws(GenesisError) -> Int64 {
        guard let node, !isNull(node) else { return 0 }
        let text: String
        switch node.value {
        case .string(let s): text = s
        case .number(let s): text = s
        default: throw fail(path, "expected an integer string, found \(node.kind)")
        }
        guard let value = Int64(text) else { throw fail(path, "\"\(text)\" is not a 64-bit integer") }
        return value
    }

    func uint64(_ node: JSONNode?, _ path: String) throws(GenesisError) -> UInt64 {
        guard let node, !isNull(node) else { return 0 }
        let text: String
        switch node.value {
        case .string(let s): text = s
        case .number(let s): text = s
        default: throw fail(path, "expected an integer string, found \(node.kind)")
        }
        guard let value = UInt64(text) else { throw fail(path, "\"\(text)\" is not an unsigned 64-bit integer") }
        return value
    }

    /// A present section must be an object; an absent one reads as all zeros.
    private func section(_ node: JSONNode, _ key: String, _ path: String) throws(GenesisError) -> JSONNode? {
        guard let child = node[key], !isNull(child) else { return nil }
        try requireObject(child, path + "." + key)
        return child
    }

    func consensusParams(_ node: JSONNode, _ path: String) throws(GenesisError) -> ConsensusParams {
        try requireObject(node, path)
        let block = try section(node, "block", path)
        let evidence = try section(node, "evidence", path)
        let version = try section(node, "version", path)
        let abci = try section(node, "abci", path)
        var keyTypes: [String] = []
        if let validator = try section(node, "validator", path), let types = validator["pub_key_types"], !isNull(types) {
            let typesPath = path + ".validator.pub_key_types"
            keyTypes = try array(types, typesPath).enumerated().map { (i, t) throws(GenesisError) in
                try string(t, typesPath + "[\(i)]")
            }
        }
        return ConsensusParams(
            block: .init(maxBytes: try int64(block?["max_bytes"], path + ".block.max_bytes"),
                         maxGas: try int64(block?["max_gas"], path + ".block.max_gas")),
            evidence: .init(
                maxAgeNumBlocks: try int64(evidence?["max_age_num_blocks"], path + ".evidence.max_age_num_blocks"),
                maxAgeDurationNanos: try int64(evidence?["max_age_duration"], path + ".evidence.max_age_duration"),
                maxBytes: try int64(evidence?["max_bytes"], path + ".evidence.max_bytes")),
            validator: .init(pubKeyTypes: keyTypes),
            version: .init(app: try uint64(version?["app"], path + ".version.app")),
            abci: .init(voteExtensionsEnableHeight: try int64(abci?["vote_extensions_enable_height"],
                                                              path + ".abci.vote_extensions_enable_height")))
    }

    func validator(_ node: JSONNode, _ path: String) throws(GenesisError) -> GenesisValidator {
        try requireObject(node, path)
        guard let keyNode = node["pub_key"], !isNull(keyNode) else { throw fail(path + ".pub_key", "missing") }
        try requireObject(keyNode, path + ".pub_key")
        let type = try string(keyNode["type"], path + ".pub_key.type")
        guard type == GenesisDoc.ed25519KeyType else {
            throw fail(path + ".pub_key.type", "\"\(type)\" is not supported, want \"\(GenesisDoc.ed25519KeyType)\"")
        }
        let value = try string(keyNode["value"], path + ".pub_key.value")
        guard let raw = Data(base64Encoded: value) else { throw fail(path + ".pub_key.value", "not base64") }
        guard let key = Ed25519PublicKey(bytes: Bytes(raw)) else {
            throw fail(path + ".pub_key.value", "\(raw.count) bytes, an ed25519 key has \(Ed25519PublicKey.size)")
        }
        let addressText = try string(node["address"], path + ".address")
        guard let address = Bytes(hex: addressText) else { throw fail(path + ".address", "not hex") }
        guard address.isEmpty || address.count == Address.size else {
            throw fail(path + ".address", "\(address.count) bytes, want \(Address.size)")
        }
        return GenesisValidator(publicKey: key, power: try int64(node["power"], path + ".power"),
                                name: try string(node["name"], path + ".name"),
                                address: address.isEmpty ? nil : Address(bytes: address))
    }
}
