import PalisadeCrypto
import PalisadeProto

/// `tendermint.types.Evidence`: a oneof of `duplicate_vote_evidence` (1) and
/// `light_client_attack_evidence` (2), as blocks and the evidence reactor carry it.
extension Evidence {
    public var proto: Tendermint_Types_Evidence {
        var p = Tendermint_Types_Evidence()
        switch self {
        case .duplicateVote(let e): p.duplicateVoteEvidence = e.proto
        case .lightClientAttack(let e): p.lightClientAttackEvidence = e.proto
        }
        return p
    }

    static let fieldNames: [Int: String] = [1: "duplicate_vote_evidence", 2: "light_client_attack_evidence"]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Evidence.self, from: bytes, message: "Evidence",
                                                     fieldNames: Self.fieldNames))
    }

    public init(proto: Tendermint_Types_Evidence) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "Evidence"))
    }

    /// Decodes either kind with its `ValidateBasic`; an empty oneof is an error, since it proves nothing.
    init(proto p: Tendermint_Types_Evidence, at path: FieldPath) throws(DecodingError) {
        switch p.sum {
        case .duplicateVoteEvidence(let e):
            self = .duplicateVote(try DuplicateVoteEvidence(proto: e, at: path.child("duplicate_vote_evidence")))
        case .lightClientAttackEvidence(let e):
            self = .lightClientAttack(try LightClientAttackEvidence(proto: e, at: path.child("light_client_attack_evidence")))
        case nil:
            throw path.error("empty evidence")
        }
    }
}

extension EvidenceList {
    /// The header's `evidence_hash` over evidence of any kind: merkle root over each item's own
    /// message bytes (CometBFT's `EvidenceList.Hash` over `Evidence.Bytes`). For duplicate votes
    /// alone it equals `hash(_: [DuplicateVoteEvidence])`.
    @_disfavoredOverload
    public static func hash(_ evidence: [Evidence]) -> Bytes {
        Merkle.root(evidence.map(\.protobuf))
    }

    /// `tendermint.types.EvidenceList` carrying evidence of any kind.
    @_disfavoredOverload
    public static func encode(_ evidence: [Evidence]) -> Bytes {
        var list = Tendermint_Types_EvidenceList()
        list.evidence = evidence.map(\.proto)
        return CanonicalEncoding.encode(list)
    }

    /// Every item decoded, of either kind, and basically valid, or an error naming the first bad one.
    public static func decodeEvidence(_ bytes: Bytes) throws(DecodingError) -> [Evidence] {
        let list = try ProtoDecoder.decode(Tendermint_Types_EvidenceList.self, from: bytes, message: "EvidenceList",
                                           fieldNames: [1: "evidence"])
        var items: [Evidence] = []
        for (index, item) in list.evidence.enumerated() {
            items.append(try Evidence(proto: item, at: FieldPath(message: "EvidenceList").child("evidence").index(index)))
        }
        return items
    }
}
