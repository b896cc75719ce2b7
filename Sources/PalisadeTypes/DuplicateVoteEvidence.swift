import PalisadeCrypto

/// Proof that one validator signed two different block IDs at the same (height, round, type):
/// the equivocation the paper's safety argument assumes at most f of the stake commits. The node
/// reports it to the app, which decides the punishment.
///
/// `voteA` is the vote whose block ID has the smaller `BlockID.key`, so two nodes that saw the
/// votes in different orders still build byte-identical evidence (and the same evidence hash).
public struct DuplicateVoteEvidence: Sendable, Hashable, CustomStringConvertible {
    public var voteA: Vote
    public var voteB: Vote
    /// The validator set's total power at the evidence height.
    public var totalVotingPower: Int64
    /// The equivocating validator's power at that height.
    public var validatorPower: Int64
    /// The time of the block at the evidence height (not when it was detected), so every node agrees.
    public var timestamp: Timestamp

    /// Stores the votes as given; `init(conflicting:_:...)` puts them in CometBFT's order.
    public init(voteA: Vote, voteB: Vote, totalVotingPower: Int64, validatorPower: Int64, timestamp: Timestamp) {
        self.voteA = voteA
        self.voteB = voteB
        self.totalVotingPower = totalVotingPower
        self.validatorPower = validatorPower
        self.timestamp = timestamp
    }

    /// Orders two conflicting votes as CometBFT does: the smaller block ID key becomes vote A.
    public init(conflicting first: Vote, _ second: Vote, totalVotingPower: Int64, validatorPower: Int64,
                timestamp: Timestamp) {
        let firstIsA = first.blockID.key.lexicographicallyPrecedes(second.blockID.key)
        self.init(voteA: firstIsA ? first : second, voteB: firstIsA ? second : first,
                  totalVotingPower: totalVotingPower, validatorPower: validatorPower, timestamp: timestamp)
    }

    public var height: Int64 { voteA.height }
    public var validatorAddress: Address { voteA.validatorAddress }

    /// True when vote A's block ID key sorts strictly before vote B's, as CometBFT requires.
    public var isOrdered: Bool { voteA.blockID.key.lexicographicallyPrecedes(voteB.blockID.key) }

    /// CometBFT's `Evidence.Hash`: SHA-256 of this evidence's own protobuf bytes.
    public func hash() -> Bytes { SHA256Hash.digest(protobuf) }

    public var description: String {
        "DuplicateVoteEvidence(\(validatorAddress) h=\(height) r=\(voteA.round) \(voteA.type): \(voteA.blockID) vs \(voteB.blockID))"
    }
}

/// The evidence a block carries.
public enum EvidenceList {
    /// The header's `evidence_hash`: merkle root over each evidence's protobuf bytes (the
    /// `DuplicateVoteEvidence` message alone, not wrapped in the `Evidence` oneof).
    public static func hash(_ evidence: [DuplicateVoteEvidence]) -> Bytes {
        Merkle.root(evidence.map(\.protobuf))
    }
}
