import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite("Vote extensions: sign bytes, signatures, the extended commit")
struct VoteExtensionSignBytesTests {
    static let key = Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32))!
    static let other = Ed25519PrivateKey(seed: Bytes(repeating: 8, count: 32))!
    static let blockID = BlockID(hash: Bytes(repeating: 0xAB, count: 32),
                                 partSetHeader: PartSetHeader(total: 2, hash: Bytes(repeating: 0xCD, count: 32)))

    static func precommit(height: Int64 = 7, round: Int32 = 1, extension data: Bytes = [0xAA, 0xBB]) -> Vote {
        var vote = Vote(type: .precommit, height: height, round: round, blockID: blockID,
                        timestamp: Timestamp(seconds: 1_700_000_000), validatorAddress: key.publicKey.address,
                        validatorIndex: 0, extension: data)
        vote.sign(with: key, chainID: "test")
        return vote
    }

    /// `CanonicalVoteExtension` written out by hand from CometBFT's proto: extension (1, bytes),
    /// height (2, sfixed64), round (3, sfixed64), chain_id (4, string), defaults omitted, behind
    /// a uvarint length.
    @Test("sign bytes are the length-delimited CanonicalVoteExtension")
    func signBytes() {
        let body: Bytes = [0x0A, 0x02, 0xAA, 0xBB]
            + [0x11, 7, 0, 0, 0, 0, 0, 0, 0]
            + [0x19, 1, 0, 0, 0, 0, 0, 0, 0]
            + [0x22, 4] + Array("test".utf8)
        #expect(Self.precommit().extensionSignBytes(chainID: "test") == [UInt8(body.count)] + body)
        // An empty extension and round 0 are left out, as gogoproto leaves out defaults.
        let empty: Bytes = [0x11, 7, 0, 0, 0, 0, 0, 0, 0] + [0x22, 4] + Array("test".utf8)
        #expect(Self.precommit(round: 0, extension: []).extensionSignBytes(chainID: "test") == [UInt8(empty.count)] + empty)
    }

    @Test("the extension signature covers extension, height, round and chain, and only the voter's key checks")
    func signature() {
        var vote = Self.precommit()
        vote.signExtension(with: Self.key, chainID: "test")
        #expect(vote.verifyExtensionSignature(chainID: "test", publicKey: Self.key.publicKey))
        #expect(vote.verifySignature(chainID: "test", publicKey: Self.key.publicKey), "the vote signature is unaffected")
        #expect(!vote.verifyExtensionSignature(chainID: "test", publicKey: Self.other.publicKey))
        #expect(!vote.verifyExtensionSignature(chainID: "other", publicKey: Self.key.publicKey))
        var tampered = vote
        tampered.extension = [0xAA, 0xBC]
        #expect(!tampered.verifyExtensionSignature(chainID: "test", publicKey: Self.key.publicKey))
        tampered = vote
        tampered.round = 2
        #expect(!tampered.verifyExtensionSignature(chainID: "test", publicKey: Self.key.publicKey))
        var forged = vote
        forged.signExtension(with: Self.other, chainID: "test")
        #expect(forged.verifySignature(chainID: "test", publicKey: Self.key.publicKey))
        #expect(!forged.verifyExtensionSignature(chainID: "test", publicKey: Self.key.publicKey))
    }

    @Test("extensions are enabled from the enable height on; 0 means never")
    func enabled() {
        let cases: [(enableHeight: Int64, height: Int64, enabled: Bool)] = [
            (0, 1, false), (0, 1_000, false), (5, 4, false), (5, 5, true), (5, 6, true), (1, 1, true),
        ]
        for c in cases {
            let abci = ConsensusParams.ABCI(voteExtensionsEnableHeight: c.enableHeight)
            #expect(abci.voteExtensionsEnabled(at: c.height) == c.enabled, "\(c)")
        }
    }

    @Test("only a precommit for a block is extendable")
    func extendable() {
        #expect(Self.precommit().isExtendable)
        var prevote = Self.precommit()
        prevote.type = .prevote
        #expect(!prevote.isExtendable)
        var nilPrecommit = Self.precommit()
        nilPrecommit.blockID = .zero
        #expect(!nilPrecommit.isExtendable)
    }

    static func commit() -> Commit {
        let sig = CommitSig(blockIDFlag: .commit, validatorAddress: key.publicKey.address,
                            timestamp: Timestamp(seconds: 1_700_000_000), signature: Bytes(repeating: 1, count: 64))
        let nilSig = CommitSig(blockIDFlag: .nil, validatorAddress: other.publicKey.address,
                               timestamp: Timestamp(seconds: 1_700_000_000), signature: Bytes(repeating: 2, count: 64))
        return Commit(height: 7, round: 1, blockID: blockID, signatures: [sig, nilSig, .absent])
    }

    @Test("an extended commit round-trips through its protobuf and refuses extensions on entries that are not COMMIT")
    func extendedCommit() throws {
        let signed = VoteExtension(data: [1, 2, 3], signature: Bytes(repeating: 9, count: 64))
        let extended = try #require(ExtendedCommit(commit: Self.commit(), extensions: [signed, .none, .none]))
        #expect(try ExtendedCommit(protobuf: extended.protobuf) == extended)
        #expect(ExtendedCommit(commit: Self.commit(), extensions: [.none, signed, .none]) == nil)
        #expect(ExtendedCommit(commit: Self.commit(), extensions: [signed]) == nil)
        #expect(ExtendedCommit(withoutExtensions: Self.commit()).extensions == [.none, .none, .none])

        var onNil = extended.proto
        onNil.extendedSignatures[1].extension = Bytes([7]).data
        onNil.extendedSignatures[1].extensionSignature = Bytes(repeating: 9, count: 64).data
        #expect(throws: DecodingError.self) { try ExtendedCommit(protobuf: CanonicalEncoding.encode(onNil)) }
        var unsigned = extended.proto
        unsigned.extendedSignatures[0].extensionSignature = Bytes().data
        #expect(throws: DecodingError.self) { try ExtendedCommit(protobuf: CanonicalEncoding.encode(unsigned)) }
    }
}
