import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

/// `Evidence`, CometBFT's `tendermint.types.Evidence` oneof: either kind round-trips through the
/// wire, the evidence list and its hash are unchanged for duplicate votes, and a light-client
/// attack travels as field 2 with its `ValidateBasic`.
@Suite struct EvidenceOneofTests {
    static func duplicateVote() -> DuplicateVoteEvidence {
        DuplicateVoteEvidenceTests.evidence(DuplicateVoteEvidenceTests.vote(0x11), DuplicateVoteEvidenceTests.vote(0x22))
    }

    static func lightClientAttack() throws -> LightClientAttackEvidence {
        try LightClientAttackEvidenceTests.lunatic(LightClientAttackEvidenceTests.Chain()).0
    }

    @Test func eitherKindRoundTripsThroughTheOneof() throws {
        let dve = Self.duplicateVote(), lca = try Self.lightClientAttack()
        for evidence in [Evidence.duplicateVote(dve), .lightClientAttack(lca)] {
            let bytes = CanonicalEncoding.encode(evidence.proto)
            #expect(try Evidence(protobuf: bytes) == evidence)
        }
        #expect(Evidence.lightClientAttack(lca).proto.lightClientAttackEvidence == lca.proto)
        #expect(Evidence.duplicateVote(dve).proto.duplicateVoteEvidence == dve.proto)
        // Hash, height, time and bytes are the kind's own, as CometBFT's interface methods.
        let wrapped = Evidence.lightClientAttack(lca)
        #expect(wrapped.hash() == lca.hash() && wrapped.height == lca.commonHeight && wrapped.time == lca.timestamp)
        #expect(wrapped.protobuf == lca.protobuf)
        #expect(Evidence.duplicateVote(dve).hash() == dve.hash())
    }

    /// Duplicate votes keep their exact list bytes and header hash; a light-client attack joins
    /// the same merkle root over each item's own message bytes.
    @Test func evidenceListOfBothKinds() throws {
        let dve = Self.duplicateVote(), lca = try Self.lightClientAttack()
        #expect(EvidenceList.encode([Evidence.duplicateVote(dve)]) == EvidenceList.encode([dve]))
        #expect(EvidenceList.hash([Evidence.duplicateVote(dve)]) == EvidenceList.hash([dve]))
        let mixed: [Evidence] = [.duplicateVote(dve), .lightClientAttack(lca)]
        #expect(EvidenceList.hash(mixed) == Merkle.root([dve.protobuf, lca.protobuf]))
        #expect(try EvidenceList.decodeEvidence(EvidenceList.encode(mixed)) == mixed)
        // The duplicate-vote-only decoder refuses what it cannot carry rather than dropping it.
        #expect(throws: DecodingError.self) { try EvidenceList.decode(EvidenceList.encode(mixed)) }
    }

    /// A block carrying a light-client attack survives the wire: same bytes, same evidence hash
    /// in its header, and the decoded block is equal (ValidateBasic passes on both sides).
    @Test func blockCarryingALightClientAttackRoundTrips() throws {
        let lca = try Self.lightClientAttack()
        var block = BlockTests.block()
        block.evidence.append(.lightClientAttack(lca))
        block.fillHeaderHashes()
        #expect(block.header.evidenceHash == Merkle.root([Self.duplicateVote().protobuf, lca.protobuf]))
        let decoded = try Block(protobuf: block.protobuf)
        #expect(decoded == block)
        #expect(decoded.blockID == block.blockID)
        #expect(decoded.proto.evidence.evidence[1].lightClientAttackEvidence == lca.proto)
    }

    @Test func emptyOrInvalidItemsAreRefusedByField() throws {
        let empty = try #require(throws: DecodingError.self) { try Evidence(proto: Tendermint_Types_Evidence()) }
        #expect(empty.description.contains("empty evidence"))
        var ahead = try Self.lightClientAttack().proto
        ahead.commonHeight = 5
        var wrapped = Tendermint_Types_Evidence()
        wrapped.lightClientAttackEvidence = ahead
        let error = try #require(throws: DecodingError.self) { try Evidence(proto: wrapped) }
        #expect(error.field.contains("light_client_attack_evidence"))
        #expect(error.field.hasSuffix("common_height"))
    }
}
