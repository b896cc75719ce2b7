import Foundation
import PalisadeCrypto
import PalisadeTypes

/// Reads `broadcast_evidence`'s argument: CometBFT's amino JSON for
/// `tendermint/DuplicateVoteEvidence`, the same shape blocks show evidence in.
enum EvidenceDecoder {
    static func decode(_ json: JSONValue?) throws(RPCError) -> DuplicateVoteEvidence {
        guard let json else { throw fail("evidence", "missing") }
        guard case .string(let type)? = json["type"], type == "tendermint/DuplicateVoteEvidence" else {
            throw fail("evidence.type", "expected tendermint/DuplicateVoteEvidence")
        }
        guard let value = json["value"] else { throw fail("evidence.value", "missing") }
        return DuplicateVoteEvidence(voteA: try vote(value["vote_a"], "evidence.value.vote_a"),
                                     voteB: try vote(value["vote_b"], "evidence.value.vote_b"),
                                     totalVotingPower: try int(value["total_voting_power"], "evidence.value.total_voting_power"),
                                     validatorPower: try int(value["validator_power"], "evidence.value.validator_power"),
                                     timestamp: try time(value["timestamp"], "evidence.value.timestamp"))
    }

    static func fail(_ field: String, _ reason: String) -> RPCError {
        .invalidParams("error converting json params to arguments: \(field): \(reason)")
    }

    static func int(_ v: JSONValue?, _ field: String) throws(RPCError) -> Int64 {
        switch v {
        case .string(let s)?, .number(let s)?:
            guard let n = Int64(s) else { throw fail(field, "not an integer") }
            return n
        default: throw fail(field, "missing or not an integer")
        }
    }

    static func text(_ v: JSONValue?, _ field: String) throws(RPCError) -> String {
        guard case .string(let s)? = v else { throw fail(field, "missing or not a string") }
        return s
    }

    static func hex(_ v: JSONValue?, _ field: String) throws(RPCError) -> Bytes {
        guard let b = Bytes(hex: try text(v, field)) else { throw fail(field, "not hex") }
        return b
    }

    static func base64(_ v: JSONValue?, _ field: String) throws(RPCError) -> Bytes {
        if v == nil || v == .null { return [] }
        guard let d = Data(base64Encoded: try text(v, field)) else { throw fail(field, "not base64") }
        return Bytes(d)
    }

    static func time(_ v: JSONValue?, _ field: String) throws(RPCError) -> Timestamp {
        guard let t = Timestamp(rfc3339: try text(v, field)) else { throw fail(field, "not an RFC 3339 time") }
        return t
    }

    static func vote(_ v: JSONValue?, _ field: String) throws(RPCError) -> Vote {
        guard let v else { throw fail(field, "missing") }
        guard let type = VoteType(rawValue: Int32(clamping: try int(v["type"], field + ".type"))) else {
            throw fail(field + ".type", "not a prevote (1) or precommit (2)")
        }
        guard let round = Int32(exactly: try int(v["round"], field + ".round")),
              let index = Int32(exactly: try int(v["validator_index"], field + ".validator_index")) else {
            throw fail(field, "round or validator_index out of range")
        }
        let id = v["block_id"]
        let parts = id?["parts"]
        guard let total = UInt32(exactly: try int(parts?["total"], field + ".block_id.parts.total")) else {
            throw fail(field + ".block_id.parts.total", "out of range")
        }
        let blockID = BlockID(hash: try hex(id?["hash"], field + ".block_id.hash"),
                              partSetHeader: PartSetHeader(total: total, hash: try hex(parts?["hash"], field + ".block_id.parts.hash")))
        return Vote(type: type, height: try int(v["height"], field + ".height"), round: round, blockID: blockID,
                    timestamp: try time(v["timestamp"], field + ".timestamp"),
                    validatorAddress: Address(bytes: try hex(v["validator_address"], field + ".validator_address")),
                    validatorIndex: index, signature: try base64(v["signature"], field + ".signature"),
                    extension: try base64(v["extension"], field + ".extension"),
                    extensionSignature: try base64(v["extension_signature"], field + ".extension_signature"))
    }
}
