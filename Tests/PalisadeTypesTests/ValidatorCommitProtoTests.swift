import Foundation
import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

/// Protobuf for `Validator`, `ValidatorSet`, `CommitSig` and `Commit`: round trips, the bytes
/// the hashes cover, and malformed input naming the message and field.
@Suite struct ValidatorCommitProtoTests {
    typealias S = ValidatorTestSupport

    static func sampleSet() throws -> ValidatorSet {
        let keys = try S.privateKeys(4).map(\.publicKey)
        let set = try ValidatorSet(validators: keys.indices.map { Validator(publicKey: keys[$0], votingPower: Int64(10 + $0 % 2)) })
        return set.copyIncrementingProposerPriority(times: 3)
    }

    @Test func validatorSetRoundTrip() throws {
        let set = try Self.sampleSet()
        let decoded = try ValidatorSet(protobuf: set.protobuf)
        #expect(decoded == set)
        #expect(decoded.proposer == set.proposer)
        #expect(decoded.hash() == set.hash())
        #expect(set.proto.totalVotingPower == 42)
    }

    /// The validator-set hash covers key and power only: priorities and the proposer change from
    /// round to round, the hash does not.
    @Test func hashIgnoresPriorities() throws {
        let set = try Self.sampleSet()
        #expect(set.copyIncrementingProposerPriority(times: 5).hash() == set.hash())
        #expect(try ValidatorSet(validators: []).hash() == SHA256Hash.digest([]))
        // SimpleValidator: field 1 = PublicKey{ed25519 = key}, field 2 = power.
        let v = set.validators[0]
        #expect(v.simpleValidatorBytes == [0x0a, 0x22, 0x0a, 0x20] + v.publicKey.bytes + [0x10, UInt8(v.votingPower)])
    }

    static func expectError(_ field: String, message: String = "ValidatorSet",
                            _ body: () throws(DecodingError) -> Void) {
        do {
            try body()
            Issue.record("expected a DecodingError at \(message).\(field)")
        } catch {
            #expect(error.message == message)
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func malformedValidatorSetNamesTheField() throws {
        let good = try Self.sampleSet().proto

        var shortKey = good
        shortKey.validators[1].pubKey.ed25519 = Data(repeating: 1, count: 31)
        Self.expectError("validators[1].pub_key.ed25519") { () throws(DecodingError) in _ = try ValidatorSet(proto: shortKey) }

        var negative = good
        negative.validators[0].votingPower = -3
        Self.expectError("validators[0].voting_power") { () throws(DecodingError) in _ = try ValidatorSet(proto: negative) }

        var zero = good
        zero.validators[3].votingPower = 0
        Self.expectError("validators[3].voting_power") { () throws(DecodingError) in _ = try ValidatorSet(proto: zero) }

        var wrongAddress = good
        wrongAddress.validators[2].address = Data(repeating: 9, count: 20)
        Self.expectError("validators[2].address") { () throws(DecodingError) in _ = try ValidatorSet(proto: wrongAddress) }

        var noKey = good
        noKey.validators[0].clearPubKey()
        Self.expectError("validators[0].pub_key") { () throws(DecodingError) in _ = try ValidatorSet(proto: noKey) }

        var secp = good
        secp.validators[0].pubKey.secp256K1 = Data(repeating: 2, count: 33)
        Self.expectError("validators[0].pub_key.secp256k1") { () throws(DecodingError) in _ = try ValidatorSet(proto: secp) }

        var unordered = good
        unordered.validators.swapAt(0, 3)
        Self.expectError("validators[1]") { () throws(DecodingError) in _ = try ValidatorSet(proto: unordered) }

        var duplicate = good
        duplicate.validators[1] = duplicate.validators[0]
        Self.expectError("validators[1].address") { () throws(DecodingError) in _ = try ValidatorSet(proto: duplicate) }

        var empty = good
        empty.validators = []
        Self.expectError("validators") { () throws(DecodingError) in _ = try ValidatorSet(proto: empty) }

        var noProposer = good
        noProposer.clearProposer()
        Self.expectError("proposer") { () throws(DecodingError) in _ = try ValidatorSet(proto: noProposer) }

        var strangerProposer = good
        let stranger = try S.privateKeys(5)[4].publicKey
        strangerProposer.proposer = Validator(publicKey: stranger, votingPower: 1).proto
        Self.expectError("proposer") { () throws(DecodingError) in _ = try ValidatorSet(proto: strangerProposer) }

        var overCap = good
        overCap.validators[0].votingPower = ValidatorSet.maxTotalVotingPower
        Self.expectError("validators[1].voting_power") { () throws(DecodingError) in _ = try ValidatorSet(proto: overCap) }

        Self.expectError("validators") { () throws(DecodingError) in _ = try ValidatorSet(protobuf: [0x0a, 0x05, 0x01]) }
        Self.expectError("pub_key.ed25519", message: "Validator") { () throws(DecodingError) in
            _ = try Validator(proto: shortKey.validators[1])
        }
    }

    @Test func commitRoundTripAndHashBytes() throws {
        let (_, commit) = try CommitVerificationTests.signedCommit(powers: [1, 1, 1, 1], flags: [.commit, .nil, .absent, .commit])
        let decoded = try Commit(protobuf: commit.protobuf)
        #expect(decoded == commit)
        #expect(decoded.hash() == commit.hash())
        #expect(try Commit(protobuf: Commit.empty.protobuf) == Commit.empty)
        // The empty commit still writes its (zero) block ID: field 3, empty part-set header inside.
        #expect(Commit.empty.protobuf == [0x1a, 0x02, 0x12, 0x00])
        #expect(Commit.empty.hash() == SHA256Hash.digest([]))
    }

    /// An absent entry still writes its timestamp, as Go's zero time (0001-01-01, seconds
    /// −62135596800): CometBFT's field is non-nullable, so it is never left out, and the commit
    /// hash covers these bytes. (tendermint-rs, which checks real chains' `last_commit_hash`,
    /// writes the same zero time; our fixtures hold no real commit with an absent entry.)
    @Test func absentCommitSigEncoding() throws {
        let bytes = CanonicalEncoding.encode(CommitSig.absent.proto)
        #expect(bytes.hex == "08011a0b088092b8c398feffffff01")
        #expect(try CommitSig(proto: CommitSig.absent.proto) == .absent)
        // A missing timestamp decodes as the zero time too, as gogoproto does.
        var bare = Tendermint_Types_CommitSig()
        bare.blockIDFlag = .absent
        #expect(try CommitSig(proto: bare) == .absent)
    }

    @Test func malformedCommitNamesTheField() throws {
        let (_, commit) = try CommitVerificationTests.signedCommit(powers: [1, 1, 1], flags: [.commit, .absent, .nil])
        let good = commit.proto

        var unknownFlag = good
        unknownFlag.signatures[0].blockIDFlag = .unknown
        Self.expectError("signatures[0].block_id_flag", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: unknownFlag) }

        var shortAddress = good
        shortAddress.signatures[2].validatorAddress = Data(repeating: 1, count: 19)
        Self.expectError("signatures[2].validator_address", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: shortAddress) }

        var noSignature = good
        noSignature.signatures[0].signature = Data()
        Self.expectError("signatures[0].signature", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: noSignature) }

        var longSignature = good
        longSignature.signatures[0].signature = Data(repeating: 1, count: 65)
        Self.expectError("signatures[0].signature", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: longSignature) }

        var absentWithSignature = good
        absentWithSignature.signatures[1].signature = Data(repeating: 1, count: 64)
        Self.expectError("signatures[1].signature", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: absentWithSignature) }

        var absentWithTime = good
        absentWithTime.signatures[1].timestamp = Timestamp(seconds: 5).proto
        Self.expectError("signatures[1].timestamp", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: absentWithTime) }

        var badNanos = good
        badNanos.signatures[0].timestamp.nanos = 1_000_000_000
        Self.expectError("signatures[0].timestamp", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: badNanos) }

        var negativeHeight = good
        negativeHeight.height = -1
        Self.expectError("height", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: negativeHeight) }

        var negativeRound = good
        negativeRound.round = -1
        Self.expectError("round", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: negativeRound) }

        var nilBlock = good
        nilBlock.blockID = BlockID.zero.proto
        Self.expectError("block_id", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: nilBlock) }

        var badHash = good
        badHash.blockID.hash = Data(repeating: 1, count: 31)
        Self.expectError("block_id.hash", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: badHash) }

        var noSignatures = good
        noSignatures.signatures = []
        Self.expectError("signatures", message: "Commit") { () throws(DecodingError) in _ = try Commit(proto: noSignatures) }

        Self.expectError("signatures", message: "Commit") { () throws(DecodingError) in _ = try Commit(protobuf: [0x22, 0x09, 0x08]) }
    }
}
