import Foundation
import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

@Suite struct DuplicateVoteEvidenceTests {
    static let key = Ed25519PrivateKey(seed: Bytes(repeating: 3, count: 32))!

    static func vote(_ fill: UInt8) -> Vote {
        let id = BlockID(hash: Bytes(repeating: fill, count: 32),
                         partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: fill, count: 32)))
        var vote = Vote(type: .prevote, height: 7, round: 1, blockID: id, timestamp: Timestamp(seconds: 100),
                        validatorAddress: key.publicKey.address, validatorIndex: 0)
        vote.sign(with: key, chainID: "chain")
        return vote
    }

    static func evidence(_ first: Vote, _ second: Vote) -> DuplicateVoteEvidence {
        DuplicateVoteEvidence(conflicting: first, second, totalVotingPower: 100, validatorPower: 10,
                              timestamp: Timestamp(seconds: 90))
    }

    @Test func ordersVotesByBlockIDKeyWhicheverCameFirst() {
        let low = Self.vote(0x11), high = Self.vote(0x22)
        let a = Self.evidence(low, high), b = Self.evidence(high, low)
        #expect(a == b)
        #expect(a.voteA == low)
        #expect(a.isOrdered)
        #expect(a.hash() == b.hash())
        // A nil vote (empty hash) sorts before any block.
        var nilVote = Vote(type: .prevote, height: 7, round: 1, blockID: .zero, timestamp: Timestamp(seconds: 100),
                           validatorAddress: Self.key.publicKey.address, validatorIndex: 0)
        nilVote.sign(with: Self.key, chainID: "chain")
        #expect(Self.evidence(high, nilVote).voteA == nilVote)
    }

    @Test func protoRoundTrip() throws {
        let evidence = Self.evidence(Self.vote(0x11), Self.vote(0x22))
        #expect(try DuplicateVoteEvidence(protobuf: evidence.protobuf) == evidence)
        #expect(evidence.hash() == SHA256Hash.digest(evidence.protobuf))
    }

    @Test func rejectsOutOfOrderOrMissingVotes() throws {
        let evidence = Self.evidence(Self.vote(0x11), Self.vote(0x22))
        var swapped = evidence.proto
        swapped.voteA = evidence.proto.voteB
        swapped.voteB = evidence.proto.voteA
        #expect { try DuplicateVoteEvidence(proto: swapped) } throws: { ($0 as? DecodingError)?.field == "vote_b" }
        var missing = evidence.proto
        missing.clearVoteB()
        #expect { try DuplicateVoteEvidence(proto: missing) } throws: { ($0 as? DecodingError)?.field == "vote_b" }
        var badVote = evidence.proto
        badVote.voteA.validatorAddress = Data([1])
        #expect { try DuplicateVoteEvidence(proto: badVote) } throws: {
            ($0 as? DecodingError)?.field == "vote_a.validator_address"
        }
    }

    /// The evidence hash is a merkle root over the bare `DuplicateVoteEvidence` bytes.
    @Test func evidenceListHash() {
        let one = Self.evidence(Self.vote(0x11), Self.vote(0x22))
        let two = Self.evidence(Self.vote(0x33), Self.vote(0x44))
        #expect(EvidenceList.hash([]) == SHA256Hash.empty)
        #expect(EvidenceList.hash([one]) == Merkle.leafHash(one.protobuf))
        #expect(EvidenceList.hash([one, two]) == Merkle.innerHash(Merkle.leafHash(one.protobuf), Merkle.leafHash(two.protobuf)))
    }
}
