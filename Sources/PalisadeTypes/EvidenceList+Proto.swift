import PalisadeCrypto
import PalisadeProto

extension EvidenceList {
    /// `tendermint.types.EvidenceList`: what CometBFT's evidence reactor sends on channel 0x38.
    public static func encode(_ evidence: [DuplicateVoteEvidence]) -> Bytes {
        var list = Tendermint_Types_EvidenceList()
        list.evidence = evidence.map(\.evidenceProto)
        return CanonicalEncoding.encode(list)
    }

    /// Every item decoded and basically valid (`DuplicateVoteEvidence`'s `ValidateBasic`), or an
    /// error naming the first bad one.
    public static func decode(_ bytes: Bytes) throws(DecodingError) -> [DuplicateVoteEvidence] {
        let list = try ProtoDecoder.decode(Tendermint_Types_EvidenceList.self, from: bytes, message: "EvidenceList",
                                           fieldNames: [1: "evidence"])
        var items: [DuplicateVoteEvidence] = []
        for (index, item) in list.evidence.enumerated() {
            items.append(try DuplicateVoteEvidence(evidence: item, at: FieldPath(message: "EvidenceList").child("evidence").index(index)))
        }
        return items
    }
}
