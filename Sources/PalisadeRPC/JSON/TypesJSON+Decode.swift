import PalisadeCrypto
import PalisadeTypes

/// The inverse of `TypesJSON` for what a light client reads from another node: headers, commits,
/// validator lists and blocks in CometBFT's JSON. Nothing read here is trusted; it is only given
/// a shape, and the light client verifies it.
public enum TypesJSONDecoder {
    public static func header(_ h: JSONValue?, _ field: String = "header") throws(JSONShapeError) -> Header {
        guard let h else { throw JSONShapeError(field: field, reason: "missing") }
        let version = h["version"]
        let block = version?["block"] == nil ? 0 : try JSONRead.int(version?["block"], field + ".version.block")
        let app = version?["app"] == nil ? 0 : try JSONRead.int(version?["app"], field + ".version.app")
        guard let blockVersion = UInt64(exactly: block), let appVersion = UInt64(exactly: app) else {
            throw JSONShapeError(field: field + ".version", reason: "negative")
        }
        return Header(
            version: ConsensusVersion(block: blockVersion, app: appVersion),
            chainID: try JSONRead.text(h["chain_id"], field + ".chain_id"),
            height: try JSONRead.int(h["height"], field + ".height"),
            time: try JSONRead.time(h["time"], field + ".time"),
            lastBlockID: try JSONRead.blockID(h["last_block_id"], field + ".last_block_id"),
            lastCommitHash: try JSONRead.hex(h["last_commit_hash"], field + ".last_commit_hash"),
            dataHash: try JSONRead.hex(h["data_hash"], field + ".data_hash"),
            validatorsHash: try JSONRead.hex(h["validators_hash"], field + ".validators_hash"),
            nextValidatorsHash: try JSONRead.hex(h["next_validators_hash"], field + ".next_validators_hash"),
            consensusHash: try JSONRead.hex(h["consensus_hash"], field + ".consensus_hash"),
            appHash: try JSONRead.hex(h["app_hash"], field + ".app_hash"),
            lastResultsHash: try JSONRead.hex(h["last_results_hash"], field + ".last_results_hash"),
            evidenceHash: try JSONRead.hex(h["evidence_hash"], field + ".evidence_hash"),
            proposerAddress: Address(bytes: try JSONRead.hex(h["proposer_address"], field + ".proposer_address")))
    }

    public static func commit(_ c: JSONValue?, _ field: String = "commit") throws(JSONShapeError) -> Commit {
        guard let c else { throw JSONShapeError(field: field, reason: "missing") }
        guard let round = Int32(exactly: try JSONRead.int(c["round"], field + ".round")) else {
            throw JSONShapeError(field: field + ".round", reason: "out of range")
        }
        var signatures: [CommitSig] = []
        for (i, sig) in try JSONRead.array(c["signatures"], field + ".signatures").enumerated() {
            let path = "\(field).signatures[\(i)]"
            guard let flag = BlockIDFlag(rawValue: Int32(clamping: try JSONRead.int(sig["block_id_flag"], path + ".block_id_flag"))) else {
                throw JSONShapeError(field: path + ".block_id_flag", reason: "unknown flag")
            }
            signatures.append(CommitSig(
                blockIDFlag: flag,
                validatorAddress: Address(bytes: try JSONRead.hex(sig["validator_address"], path + ".validator_address")),
                timestamp: try JSONRead.time(sig["timestamp"], path + ".timestamp"),
                signature: try JSONRead.base64(sig["signature"], path + ".signature")))
        }
        return Commit(height: try JSONRead.int(c["height"], field + ".height"), round: round,
                      blockID: try JSONRead.blockID(c["block_id"], field + ".block_id"), signatures: signatures)
    }

    /// `validators`' list, as a set. When every entry carries `proposer_priority` (CometBFT's
    /// `validators` always does) the priorities are kept and the proposer is the one with the
    /// most, as CometBFT's light provider builds it; otherwise order and proposer are recomputed
    /// from the powers and keys. The set's hash commits to neither, so a caller that relies on
    /// the priorities (state sync) trusts its source for them, as CometBFT does.
    public static func validatorSet(_ list: JSONValue?, _ field: String = "validators") throws(JSONShapeError) -> ValidatorSet {
        var validators: [Validator] = []
        var priorities: [Int64] = []
        for (i, entry) in try JSONRead.array(list, field).enumerated() {
            let path = "\(field)[\(i)]"
            guard case .string(let type)? = entry["pub_key"]?["type"], type == GenesisDoc.ed25519KeyType else {
                throw JSONShapeError(field: path + ".pub_key.type", reason: "expected \(GenesisDoc.ed25519KeyType)")
            }
            guard let key = Ed25519PublicKey(bytes: try JSONRead.base64(entry["pub_key"]?["value"], path + ".pub_key.value")) else {
                throw JSONShapeError(field: path + ".pub_key.value", reason: "not an Ed25519 public key")
            }
            validators.append(Validator(publicKey: key, votingPower: try JSONRead.int(entry["voting_power"], path + ".voting_power")))
            if let priority = entry["proposer_priority"] {
                priorities.append(try JSONRead.int(priority, path + ".proposer_priority"))
            }
        }
        do {
            guard priorities.count == validators.count, !validators.isEmpty else { return try ValidatorSet(validators: validators) }
            for i in validators.indices { validators[i].proposerPriority = priorities[i] }
            return try ValidatorSet(existingValidators: validators)
        } catch {
            throw JSONShapeError(field: field, reason: "\(error)")
        }
    }

    public static func block(_ b: JSONValue?, _ field: String = "block") throws(JSONShapeError) -> Block {
        guard let b else { throw JSONShapeError(field: field, reason: "missing") }
        var txs: [Bytes] = []
        for (i, tx) in try JSONRead.array(b["data"]?["txs"], field + ".data.txs").enumerated() {
            txs.append(try JSONRead.base64(tx, "\(field).data.txs[\(i)]"))
        }
        var evidence: [Evidence] = []
        for (i, item) in try JSONRead.array(b["evidence"]?["evidence"], field + ".evidence.evidence").enumerated() {
            evidence.append(.duplicateVote(try EvidenceDecoder.evidence(item, "\(field).evidence.evidence[\(i)]")))
        }
        return Block(header: try header(b["header"], field + ".header"), data: BlockData(txs: txs), evidence: evidence,
                     lastCommit: try commit(b["last_commit"], field + ".last_commit"))
    }
}
