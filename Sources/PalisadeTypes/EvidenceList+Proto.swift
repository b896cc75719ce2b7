import PalisadeCrypto
import PalisadeProto

extension EvidenceList {
    /// `tendermint.types.EvidenceList`: what CometBFT's evidence reactor sends on channel 0x38.
    public static func encode(_ evidence: [DuplicateVoteEvidence]) -> Bytes {
        encode(evidence.map(Evidence.duplicateVote))
    }

    /// Every item decoded and basically valid (`DuplicateVoteEvidence`'s `ValidateBasic`), or an
    /// error naming the first bad one; a light-client attack is refused by name until every
    /// caller carries `Evidence`.
    public static func decode(_ bytes: Bytes) throws(DecodingError) -> [DuplicateVoteEvidence] {
        var items: [DuplicateVoteEvidence] = []
        for (index, item) in try decodeEvidence(bytes).enumerated() {
            guard case .duplicateVote(let dve) = item else {
                throw FieldPath(message: "EvidenceList").child("evidence").index(index)
                    .child("light_client_attack_evidence").error("not supported here")
            }
            items.append(dve)
        }
        return items
    }
}
