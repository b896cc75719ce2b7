import PalisadeCrypto
import PalisadeTypes

/// CometBFT's `RoundStateSimple` (what `/consensus_state` returns) and its debug strings for
/// votes and bit arrays. These are UNSTABLE in CometBFT too; the shapes are what clients parse.
enum ConsensusJSON {
    static func roundStateSummary(_ s: RoundStateSummary) -> JSONValue {
        let proposerIndex = s.validators.index(of: s.proposer) ?? -1
        return .obj([
            "height/round/step": .string("\(s.height)/\(s.round)/\(s.step.rawValue)"),
            "start_time": TypesJSON.time(s.startTime),
            "proposal_block_hash": .hex(s.proposalBlockHash),
            "locked_block_hash": .hex(s.lockedBlockHash),
            "valid_block_hash": .hex(s.validBlockHash),
            "height_vote_set": .array(s.votes.map { heightVoteSet($0, validators: s.validators) }),
            "proposer": .obj(["address": .hex(s.proposer.bytes), "index": .int(proposerIndex)]),
        ])
    }

    static func heightVoteSet(_ v: RoundVotes, validators: ValidatorSet) -> JSONValue {
        .obj(["round": .int(v.round),
              "prevotes": .array(v.prevotes.map { .string(voteString($0)) }),
              "prevotes_bit_array": .string(bitArrayString(v.prevotes, validators: validators)),
              "precommits": .array(v.precommits.map { .string(voteString($0)) }),
              "precommits_bit_array": .string(bitArrayString(v.precommits, validators: validators))])
    }

    static func peer(_ p: PeerConsensusState) -> JSONValue {
        .obj(["node_address": .string(p.nodeAddress),
              "peer_state": .obj(["round_state": .obj(["height": .int64(p.height), "round": .int(p.round),
                                                       "step": .int(p.step.rawValue)])])])
    }

    /// `Vote{index:ADDR height/round/type(Name) HASH SIG EXT @ time}` with 6-byte fingerprints,
    /// or `nil-Vote` for an empty slot.
    static func voteString(_ vote: Vote?) -> String {
        guard let v = vote else { return "nil-Vote" }
        func fp(_ b: Bytes) -> String { Array(b.prefix(6)).upperHex }
        let round = v.round < 10 && v.round >= 0 ? "0\(v.round)" : "\(v.round)"
        let name = v.type == .prevote ? "Prevote" : "Precommit"
        return "Vote{\(v.validatorIndex):\(fp(v.validatorAddress.bytes)) \(v.height)/\(round)/\(v.type.rawValue)(\(name)) "
            + "\(fp(v.blockID.hash)) \(fp(v.signature)) \(fp(v.extension)) @ \(v.timestamp.rfc3339)}"
    }

    /// `BA{n:x_x} voted/total = fraction`, the power that voted over the set's total.
    static func bitArrayString(_ votes: [Vote?], validators: ValidatorSet) -> String {
        let bits = votes.map { $0 == nil ? "_" : "x" }.joined()
        var voted: Int64 = 0
        for (i, v) in votes.enumerated() where v != nil {
            voted += validators.validator(at: i)?.votingPower ?? 0
        }
        let total = validators.totalVotingPower
        let fraction = total > 0 ? Double(voted) / Double(total) : 0
        let hundredths = Int((fraction * 100).rounded())
        let decimals = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        return "BA{\(votes.count):\(bits)} \(voted)/\(total) = \(decimals)"
    }
}
