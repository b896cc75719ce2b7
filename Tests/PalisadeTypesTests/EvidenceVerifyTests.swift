import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct EvidenceVerifyTests {
    static let keys = (1...4).map { Ed25519PrivateKey(seed: Bytes(repeating: UInt8($0), count: 32))! }
    static let chainID = "evidence-chain"

    static func set() throws -> ValidatorSet {
        try ValidatorSet(validators: keys.enumerated().map { Validator(publicKey: $1.publicKey, votingPower: Int64(10 * ($0 + 1))) })
    }

    static func vote(_ key: Ed25519PrivateKey, _ fill: UInt8?, index: Int32 = 0, chainID: String = chainID) -> Vote {
        let id = fill.map { BlockID(hash: Bytes(repeating: $0, count: 32),
                                    partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: $0, count: 32))) } ?? .zero
        var vote = Vote(type: .precommit, height: 9, round: 2, blockID: id, timestamp: Timestamp(seconds: 500),
                        validatorAddress: key.publicKey.address, validatorIndex: index)
        vote.sign(with: key, chainID: chainID)
        return vote
    }

    static func evidence(_ a: Vote, _ b: Vote) throws -> DuplicateVoteEvidence {
        try DuplicateVoteEvidence(conflicting: a, b, validatorSet: try set(), timestamp: Timestamp(seconds: 450))
    }

    @Test func realEquivocationVerifies() throws {
        let key = Self.keys[2]
        let evidence = try Self.evidence(Self.vote(key, 0x55), Self.vote(key, nil))
        #expect(evidence.validatorPower == 30)
        #expect(evidence.totalVotingPower == 100)
        try evidence.verify(chainID: Self.chainID, validatorSet: try Self.set())
        // It survives the wire.
        try DuplicateVoteEvidence(protobuf: evidence.protobuf).verify(chainID: Self.chainID, validatorSet: try Self.set())
    }

    @Test func rejections() throws {
        let key = Self.keys[0]
        let good = try Self.evidence(Self.vote(key, 0x10), Self.vote(key, 0x20))
        let set = try Self.set()
        func field(_ change: (inout DuplicateVoteEvidence) -> Void, chainID: String = Self.chainID) -> String? {
            var e = good
            change(&e)
            do { try e.verify(chainID: chainID, validatorSet: set); return nil } catch { return error.field }
        }
        #expect(field({ _ in }) == nil)
        #expect(field({ _ in }, chainID: "other-chain") == "vote_a.signature")
        #expect(field { $0.voteB = $0.voteA } == "vote_b.block_id")
        #expect(field { $0.voteB.round = 3 } == "vote_b")
        #expect(field { $0.voteB.height = 10 } == "vote_b")
        #expect(field { $0.voteB.type = .prevote } == "vote_b")
        #expect(field { $0.voteB = Self.vote(Self.keys[1], 0x20) } == "vote_b.validator_address")
        #expect(field { $0.voteB.validatorIndex = 1 } == "vote_b.validator_index")
        #expect(field { let a = $0.voteA; $0.voteA = $0.voteB; $0.voteB = a } == "vote_b")
        #expect(field { $0.validatorPower = 11 } == "validator_power")
        #expect(field { $0.totalVotingPower = 99 } == "total_voting_power")
        #expect(field { $0.voteB.signature[0] ^= 1 } == "vote_b.signature")
        let outsider = Ed25519PrivateKey(seed: Bytes(repeating: 9, count: 32))!
        #expect(field { $0 = DuplicateVoteEvidence(conflicting: Self.vote(outsider, 1), Self.vote(outsider, 2),
                                                   totalVotingPower: 100, validatorPower: 10,
                                                   timestamp: Timestamp(seconds: 1)) } == "vote_a.validator_address")
    }

    @Test func outsiderCannotBeAccused() throws {
        let outsider = Ed25519PrivateKey(seed: Bytes(repeating: 9, count: 32))!
        #expect(throws: EvidenceError.self) { try Self.evidence(Self.vote(outsider, 1), Self.vote(outsider, 2)) }
    }
}
