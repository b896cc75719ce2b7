import Foundation
import PalisadeCrypto
import PalisadeTypes

/// CometBFT's JSON for the block types (`types.Block`, `Header`, `Commit`, ...): field names and
/// order of its Go structs, int64 as strings, int32/uint32 as numbers, hashes and addresses upper
/// hex, signatures and transactions base64.
enum TypesJSON {
    static func time(_ t: Timestamp) -> JSONValue { .string(t.rfc3339) }

    static func blockID(_ id: BlockID) -> JSONValue {
        .obj(["hash": .hex(id.hash),
              "parts": .obj(["total": .int(id.partSetHeader.total), "hash": .hex(id.partSetHeader.hash)])])
    }

    static func header(_ h: Header) -> JSONValue {
        // `version` fields are `omitempty` in Go.
        var version: [JSONMember] = []
        if h.version.block != 0 { version.append(JSONMember("block", .uint64(h.version.block))) }
        if h.version.app != 0 { version.append(JSONMember("app", .uint64(h.version.app))) }
        return .obj([
            "version": .object(version),
            "chain_id": .string(h.chainID),
            "height": .int64(h.height),
            "time": time(h.time),
            "last_block_id": blockID(h.lastBlockID),
            "last_commit_hash": .hex(h.lastCommitHash),
            "data_hash": .hex(h.dataHash),
            "validators_hash": .hex(h.validatorsHash),
            "next_validators_hash": .hex(h.nextValidatorsHash),
            "consensus_hash": .hex(h.consensusHash),
            "app_hash": .hex(h.appHash),
            "last_results_hash": .hex(h.lastResultsHash),
            "evidence_hash": .hex(h.evidenceHash),
            "proposer_address": .hex(h.proposerAddress.bytes),
        ])
    }

    static func commitSig(_ s: CommitSig) -> JSONValue {
        .obj(["block_id_flag": .int(s.blockIDFlag.rawValue),
              "validator_address": .hex(s.validatorAddress.bytes),
              "timestamp": time(s.timestamp),
              "signature": .base64OrNull(s.signature)])
    }

    static func commit(_ c: Commit) -> JSONValue {
        .obj(["height": .int64(c.height),
              "round": .int(c.round),
              "block_id": blockID(c.blockID),
              "signatures": .array(c.signatures.map(commitSig))])
    }

    static func vote(_ v: Vote) -> JSONValue {
        .obj(["type": .int(v.type.rawValue),
              "height": .int64(v.height),
              "round": .int(v.round),
              "block_id": blockID(v.blockID),
              "timestamp": time(v.timestamp),
              "validator_address": .hex(v.validatorAddress.bytes),
              "validator_index": .int(v.validatorIndex),
              "signature": .base64OrNull(v.signature),
              "extension": .base64OrNull(v.extension),
              "extension_signature": .base64OrNull(v.extensionSignature)])
    }

    /// Evidence is an interface in Go, so it carries its registered amino name.
    static func evidence(_ e: Evidence) -> JSONValue {
        switch e {
        case .duplicateVote(let dve): evidence(dve)
        case .lightClientAttack(let lca): evidence(lca)
        }
    }

    /// CometBFT's JSON: the conflicting light block as `signed_header` and `validator_set`.
    static func evidence(_ e: LightClientAttackEvidence) -> JSONValue {
        let set = e.conflictingValidators
        let validatorSet: JSONValue = .obj(["validators": .array(set.validators.map(validator)),
                                            "proposer": set.proposer.map(validator) ?? .null,
                                            "total_voting_power": .int64(set.totalVotingPower)])
        let block: JSONValue = .obj(["signed_header": .obj(["header": header(e.conflictingHeader),
                                                            "commit": commit(e.conflictingCommit)]),
                                     "validator_set": validatorSet])
        return .obj(["type": .string("tendermint/LightClientAttackEvidence"),
                     "value": .obj(["conflicting_block": block,
                                    "common_height": .int64(e.commonHeight),
                                    "byzantine_validators": .array(e.byzantineValidators.map(validator)),
                                    "total_voting_power": .int64(e.totalVotingPower),
                                    "timestamp": time(e.timestamp)])])
    }

    static func evidence(_ e: DuplicateVoteEvidence) -> JSONValue {
        .obj(["type": .string("tendermint/DuplicateVoteEvidence"),
              "value": .obj(["vote_a": vote(e.voteA),
                             "vote_b": vote(e.voteB),
                             "total_voting_power": .int64(e.totalVotingPower),
                             "validator_power": .int64(e.validatorPower),
                             "timestamp": time(e.timestamp)])])
    }

    static func block(_ b: Block) -> JSONValue {
        .obj(["header": header(b.header),
              "data": .obj(["txs": .array(b.data.txs.map { .base64($0) })]),
              "evidence": .obj(["evidence": .array(b.evidence.map { evidence($0) })]),
              "last_commit": b.lastCommit.map(commit) ?? .null])
    }

    static func pubKey(_ key: Ed25519PublicKey) -> JSONValue {
        .obj(["type": .string(GenesisDoc.ed25519KeyType), "value": .base64(key.bytes)])
    }

    static func validator(_ v: Validator) -> JSONValue {
        .obj(["address": .hex(v.address.bytes),
              "pub_key": pubKey(v.publicKey),
              "voting_power": .int64(v.votingPower),
              "proposer_priority": .int64(v.proposerPriority)])
    }

    static func consensusParams(_ p: ConsensusParams) -> JSONValue {
        .obj(["block": blockParams(p.block),
              "evidence": evidenceParams(p.evidence),
              "validator": validatorParams(p.validator),
              "version": .obj(["app": .uint64(p.version.app)]),
              "abci": abciParams(p.abci)])
    }

    static func blockParams(_ b: ConsensusParams.Block) -> JSONValue {
        .obj(["max_bytes": .int64(b.maxBytes), "max_gas": .int64(b.maxGas)])
    }

    static func evidenceParams(_ e: ConsensusParams.Evidence) -> JSONValue {
        .obj(["max_age_num_blocks": .int64(e.maxAgeNumBlocks),
              "max_age_duration": .int64(e.maxAgeDurationNanos),
              "max_bytes": .int64(e.maxBytes)])
    }

    static func validatorParams(_ v: ConsensusParams.Validator) -> JSONValue {
        .obj(["pub_key_types": .array(v.pubKeyTypes.map { .string($0) })])
    }

    static func abciParams(_ a: ConsensusParams.ABCI) -> JSONValue {
        .obj(["vote_extensions_enable_height": .int64(a.voteExtensionsEnableHeight)])
    }

    /// The genesis document exactly as `genesis.json` is written (its `app_state` verbatim).
    static func genesis(_ doc: GenesisDoc) throws -> JSONValue {
        try JSONValue(parsing: Array(doc.jsonData()))
    }

    static func stored(_ b: StoredBlock) -> JSONValue {
        .obj(["block_id": blockID(b.blockID), "block": block(b.block)])
    }

    static func blockMeta(_ b: StoredBlock) -> JSONValue {
        .obj(["block_id": blockID(b.blockID),
              "block_size": .int64(Int64(b.size)),
              "header": header(b.block.header),
              "num_txs": .int64(Int64(b.block.data.txs.count))])
    }
}
