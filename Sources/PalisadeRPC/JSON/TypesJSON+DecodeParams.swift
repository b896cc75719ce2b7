import PalisadeTypes

extension TypesJSONDecoder {
    /// `consensus_params`' `consensus_params` object. Only the fields the header's
    /// `consensus_hash` commits to (block max bytes and gas) are checked by a caller that has a
    /// verified header; the rest are taken from the node that answered, as CometBFT's state
    /// provider takes them from its primary.
    public static func consensusParams(_ p: JSONValue?, _ field: String = "consensus_params") throws(JSONShapeError)
        -> ConsensusParams {
        guard let p else { throw JSONShapeError(field: field, reason: "missing") }
        let block = ConsensusParams.Block(maxBytes: try JSONRead.int(p["block"]?["max_bytes"], field + ".block.max_bytes"),
                                          maxGas: try JSONRead.int(p["block"]?["max_gas"], field + ".block.max_gas"))
        let e = field + ".evidence"
        let evidence = ConsensusParams.Evidence(
            maxAgeNumBlocks: try JSONRead.int(p["evidence"]?["max_age_num_blocks"], e + ".max_age_num_blocks"),
            maxAgeDurationNanos: try JSONRead.int(p["evidence"]?["max_age_duration"], e + ".max_age_duration"),
            maxBytes: try JSONRead.int(p["evidence"]?["max_bytes"], e + ".max_bytes"))
        var keyTypes: [String] = []
        for (i, type) in try JSONRead.array(p["validator"]?["pub_key_types"], field + ".validator.pub_key_types").enumerated() {
            keyTypes.append(try JSONRead.text(type, "\(field).validator.pub_key_types[\(i)]"))
        }
        let app = try JSONRead.int(p["version"]?["app"], field + ".version.app")
        guard app >= 0 else { throw JSONShapeError(field: field + ".version.app", reason: "negative") }
        // CometBFT v0.37 nodes have no `abci` section: vote extensions were never enabled there.
        let enableHeight = p["abci"] == nil ? 0
            : try JSONRead.int(p["abci"]?["vote_extensions_enable_height"], field + ".abci.vote_extensions_enable_height")
        return ConsensusParams(block: block, evidence: evidence, validator: .init(pubKeyTypes: keyTypes),
                               version: .init(app: UInt64(app)), abci: .init(voteExtensionsEnableHeight: enableHeight))
    }
}
