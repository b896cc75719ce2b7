import PalisadeCrypto
import PalisadeProto

extension DuplicateVoteEvidence {
    public var proto: Tendermint_Types_DuplicateVoteEvidence {
        var p = Tendermint_Types_DuplicateVoteEvidence()
        p.voteA = voteA.proto
        p.voteB = voteB.proto
        p.totalVotingPower = totalVotingPower
        p.validatorPower = validatorPower
        p.timestamp = timestamp.proto
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [
        1: "vote_a", 2: "vote_b", 3: "total_voting_power", 4: "validator_power", 5: "timestamp",
    ]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_DuplicateVoteEvidence.self, from: bytes,
                                                     message: "DuplicateVoteEvidence", fieldNames: Self.fieldNames))
    }

    public init(proto: Tendermint_Types_DuplicateVoteEvidence) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "DuplicateVoteEvidence"))
    }

    /// With CometBFT's `ValidateBasic`: both votes present and valid, in block ID key order.
    init(proto p: Tendermint_Types_DuplicateVoteEvidence, at path: FieldPath) throws(DecodingError) {
        guard p.hasVoteA else { throw path.child("vote_a").error("missing") }
        guard p.hasVoteB else { throw path.child("vote_b").error("missing") }
        self.init(voteA: try Vote(proto: p.voteA, at: path.child("vote_a")),
                  voteB: try Vote(proto: p.voteB, at: path.child("vote_b")),
                  totalVotingPower: p.totalVotingPower, validatorPower: p.validatorPower,
                  timestamp: try path.child("timestamp").timestamp(p.timestamp))
        guard isOrdered else { throw path.child("vote_b").error("votes out of order (vote A's block ID key must be smaller)") }
    }
}
