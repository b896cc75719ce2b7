import Foundation
import PalisadeCrypto
import PalisadeTypes

/// Reads `broadcast_evidence`'s argument: CometBFT's amino JSON for
/// `tendermint/DuplicateVoteEvidence`, the same shape blocks show evidence in.
enum EvidenceDecoder {
    static func decode(_ json: JSONValue?) throws(RPCError) -> DuplicateVoteEvidence {
        do { return try evidence(json, "evidence") } catch {
            throw .invalidParams("error converting json params to arguments: \(error)")
        }
    }

    static func evidence(_ json: JSONValue?, _ field: String) throws(JSONShapeError) -> DuplicateVoteEvidence {
        guard let json else { throw JSONShapeError(field: field, reason: "missing") }
        guard case .string(let type)? = json["type"], type == "tendermint/DuplicateVoteEvidence" else {
            throw JSONShapeError(field: field + ".type", reason: "expected tendermint/DuplicateVoteEvidence")
        }
        guard let value = json["value"] else { throw JSONShapeError(field: field + ".value", reason: "missing") }
        let path = field + ".value"
        return DuplicateVoteEvidence(voteA: try vote(value["vote_a"], path + ".vote_a"),
                                     voteB: try vote(value["vote_b"], path + ".vote_b"),
                                     totalVotingPower: try JSONRead.int(value["total_voting_power"], path + ".total_voting_power"),
                                     validatorPower: try JSONRead.int(value["validator_power"], path + ".validator_power"),
                                     timestamp: try JSONRead.time(value["timestamp"], path + ".timestamp"))
    }

    static func vote(_ v: JSONValue?, _ field: String) throws(JSONShapeError) -> Vote {
        guard let v else { throw JSONShapeError(field: field, reason: "missing") }
        guard let type = VoteType(rawValue: Int32(clamping: try JSONRead.int(v["type"], field + ".type"))) else {
            throw JSONShapeError(field: field + ".type", reason: "not a prevote (1) or precommit (2)")
        }
        guard let round = Int32(exactly: try JSONRead.int(v["round"], field + ".round")),
              let index = Int32(exactly: try JSONRead.int(v["validator_index"], field + ".validator_index")) else {
            throw JSONShapeError(field: field, reason: "round or validator_index out of range")
        }
        return Vote(type: type, height: try JSONRead.int(v["height"], field + ".height"), round: round,
                    blockID: try JSONRead.blockID(v["block_id"], field + ".block_id"),
                    timestamp: try JSONRead.time(v["timestamp"], field + ".timestamp"),
                    validatorAddress: Address(bytes: try JSONRead.hex(v["validator_address"], field + ".validator_address")),
                    validatorIndex: index, signature: try JSONRead.base64(v["signature"], field + ".signature"),
                    extension: try JSONRead.base64(v["extension"], field + ".extension"),
                    extensionSignature: try JSONRead.base64(v["extension_signature"], field + ".extension_signature"))
    }
}
