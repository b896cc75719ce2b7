import Foundation
import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

@Suite struct VoteProposalProtoTests {
    static let key = Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32))!
    static let blockID = BlockID(hash: Bytes(repeating: 0xAB, count: 32),
                                 partSetHeader: PartSetHeader(total: 2, hash: Bytes(repeating: 0xCD, count: 32)))

    static func vote(_ type: VoteType = .precommit, blockID: BlockID = blockID) -> Vote {
        var vote = Vote(type: type, height: 12, round: 3, blockID: blockID,
                        timestamp: Timestamp(seconds: 1_700_000_000, nanos: 123_456_789),
                        validatorAddress: key.publicKey.address, validatorIndex: 2)
        vote.sign(with: key, chainID: "test-chain")
        return vote
    }

    @Test func voteRoundTrip() throws {
        for vote in [Self.vote(), Self.vote(.prevote), Self.vote(blockID: .zero)] {
            let decoded = try Vote(protobuf: vote.protobuf)
            #expect(decoded == vote)
            #expect(decoded.verifySignature(chainID: "test-chain", publicKey: Self.key.publicKey))
        }
    }

    @Test func proposalRoundTrip() throws {
        var proposal = Proposal(height: 5, round: 2, polRound: 1, blockID: Self.blockID,
                                timestamp: Timestamp(seconds: 1_700_000_000))
        proposal.sign(with: Self.key, chainID: "test-chain")
        let decoded = try Proposal(protobuf: proposal.protobuf)
        #expect(decoded == proposal)
        #expect(decoded.verifySignature(chainID: "test-chain", publicKey: Self.key.publicKey))
    }

    @Test func truncatedVoteNeverCrashes() throws {
        let bytes = Self.vote().protobuf
        for cut in 0..<bytes.count {
            #expect(throws: DecodingError.self) { try Vote(protobuf: Bytes(bytes.prefix(cut))) }
        }
        // 0x22 is block_id's tag; a length running past the end names the field.
        #expect { try Vote(protobuf: [0x08, 0x02, 0x10, 0x0C, 0x22, 0x40, 0x0A]) } throws: {
            let error = $0 as? DecodingError
            return error?.message == "Vote" && error?.field == "block_id"
        }
    }

    @Test func malformedNestedFieldIsNamed() throws {
        var bytes = Self.vote().protobuf
        // Corrupt the timestamp's inner varint length while keeping the outer framing sound:
        // field 5 (timestamp) with a 1-byte body whose varint never terminates.
        bytes += [0x2A, 0x01, 0x80]
        #expect { try Vote(protobuf: bytes) } throws: { ($0 as? DecodingError)?.field == "timestamp" }
    }

    @Test func truncatedProposalNeverCrashes() throws {
        var proposal = Proposal(height: 5, round: 2, polRound: -1, blockID: Self.blockID, timestamp: Timestamp(seconds: 9))
        proposal.sign(with: Self.key, chainID: "c")
        let bytes = proposal.protobuf
        for cut in 0..<bytes.count {
            #expect(throws: DecodingError.self) { try Proposal(protobuf: Bytes(bytes.prefix(cut))) }
        }
    }

    @Test func garbageNeverCrashes() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<200 {
            var bytes = Bytes()
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            _ = try? Vote(protobuf: bytes)
            _ = try? Proposal(protobuf: bytes)
            _ = try? Header(protobuf: bytes)
            _ = try? Part(protobuf: bytes)
            _ = try? DuplicateVoteEvidence(protobuf: bytes)
        }
    }

    @Test func voteFieldChecks() throws {
        let good = Self.vote().proto
        func field(_ change: (inout Tendermint_Types_Vote) -> Void) -> String? {
            var p = good
            change(&p)
            do { _ = try Vote(proto: p); return nil } catch { return error.field }
        }
        #expect(field { $0.type = .proposal } == "type")
        #expect(field { $0.height = 0 } == "height")
        #expect(field { $0.round = -1 } == "round")
        #expect(field { $0.blockID.hash = Data([1]) } == "block_id.hash")
        #expect(field { $0.blockID.partSetHeader.total = 0 } == "block_id")
        #expect(field { $0.validatorAddress = Data([1, 2]) } == "validator_address")
        #expect(field { $0.validatorIndex = -1 } == "validator_index")
        #expect(field { $0.signature = Data() } == "signature")
        #expect(field { $0.signature = Data(repeating: 1, count: 65) } == "signature")
        #expect(field { $0.timestamp.nanos = 1_000_000_000 } == "timestamp")
        #expect(field { $0.type = .prevote; $0.extension = Data([1]) } == "extension")
        #expect(field { $0.extension = Data([1]) } == "extension_signature")
        #expect(field { $0.extension = Data([1]); $0.extensionSignature = Data(repeating: 2, count: 64) } == nil)
    }

    @Test func proposalFieldChecks() throws {
        var proposal = Proposal(height: 5, round: 2, polRound: 1, blockID: Self.blockID, timestamp: Timestamp(seconds: 9))
        proposal.sign(with: Self.key, chainID: "c")
        let good = proposal.proto
        func field(_ change: (inout Tendermint_Types_Proposal) -> Void) -> String? {
            var p = good
            change(&p)
            do { _ = try Proposal(proto: p); return nil } catch { return error.field }
        }
        #expect(field { $0.type = .prevote } == "type")
        #expect(field { $0.polRound = 2 } == "pol_round")
        #expect(field { $0.polRound = -2 } == "pol_round")
        #expect(field { $0.blockID = BlockID.zero.proto } == "block_id")
        #expect(field { $0.signature = Data() } == "signature")
    }
}
