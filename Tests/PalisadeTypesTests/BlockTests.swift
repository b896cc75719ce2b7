import Foundation
import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

@Suite struct BlockTests {
    static let key = Ed25519PrivateKey(seed: Bytes(repeating: 5, count: 32))!

    static func header(height: Int64 = 2) -> Header {
        Header(chainID: "test-chain", height: height, time: Timestamp(seconds: 1_700_000_000),
               lastBlockID: BlockID(hash: Bytes(repeating: 1, count: 32),
                                    partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: 2, count: 32))),
               validatorsHash: Bytes(repeating: 3, count: 32), nextValidatorsHash: Bytes(repeating: 3, count: 32),
               consensusHash: ConsensusParams.default.hash(), appHash: [0xAA],
               lastResultsHash: ExecTxResult.resultsHash([ExecTxResult]()), proposerAddress: key.publicKey.address)
    }

    static func commit(height: Int64 = 1) -> Commit {
        let blockID = header().lastBlockID
        var vote = Vote(type: .precommit, height: height, round: 0, blockID: blockID,
                        timestamp: Timestamp(seconds: 1_699_999_999), validatorAddress: key.publicKey.address,
                        validatorIndex: 0)
        vote.sign(with: key, chainID: "test-chain")
        return Commit(height: height, round: 0, blockID: blockID,
                      signatures: [CommitSig(blockIDFlag: .commit, validatorAddress: vote.validatorAddress,
                                             timestamp: vote.timestamp, signature: vote.signature)])
    }

    static func block(txs: [Bytes] = [Bytes("a=1".utf8), Bytes("b=2".utf8)]) -> Block {
        var block = Block(header: header(), data: BlockData(txs: txs),
                          evidence: [.duplicateVote(DuplicateVoteEvidenceTests.evidence(DuplicateVoteEvidenceTests.vote(0x11),
                                                                                        DuplicateVoteEvidenceTests.vote(0x22)))],
                          lastCommit: commit())
        block.fillHeaderHashes()
        return block
    }

    @Test func protobufRoundTripAndValidity() throws {
        let block = Self.block()
        try block.validateBasic()
        let decoded = try Block(protobuf: block.protobuf)
        #expect(decoded == block)
        try decoded.validateBasic()
        #expect(decoded.blockID == block.blockID)
    }

    @Test func blockIDIsHeaderHashPlusParts() {
        let block = Self.block()
        let id = block.blockID
        #expect(id.hash == block.header.hash())
        #expect(id.partSetHeader == PartSet(data: block.protobuf).header)
        #expect(id.isComplete)
    }

    @Test func bodyHashesAreFilled() {
        let block = Self.block()
        #expect(block.header.dataHash == BlockData(txs: block.data.txs).hash())
        #expect(block.header.evidenceHash == EvidenceList.hash(block.evidence))
        #expect(block.header.lastCommitHash == Self.commit().hash())
    }

    @Test func dataHashIsMerkleOverTxHashes() {
        #expect(BlockData().hash() == SHA256Hash.empty)
        let tx = Bytes("k=v".utf8)
        #expect(BlockData(txs: [tx]).hash() == Merkle.leafHash(SHA256Hash.digest(tx)))
    }

    @Test func validateBasicCatchesASwappedBody() throws {
        var block = Self.block()
        block.data.txs.append(Bytes("smuggled".utf8))
        #expect { try block.validateBasic() } throws: { ($0 as? DecodingError)?.field == "header.data_hash" }
        block = Self.block()
        block.evidence = []
        #expect { try block.validateBasic() } throws: { ($0 as? DecodingError)?.field == "header.evidence_hash" }
        block = Self.block()
        block.lastCommit = nil
        #expect { try block.validateBasic() } throws: { ($0 as? DecodingError)?.field == "last_commit" }
    }

    /// A large block crosses part boundaries; a receiver gets it back from its parts.
    @Test func bigBlockThroughParts() throws {
        let txs = (0..<40).map { i in Bytes(repeating: UInt8(i), count: 5_000) }
        let block = Self.block(txs: txs)
        let sent = block.makePartSet()
        #expect(sent.total == 4)
        var received = try PartSet(header: block.blockID.partSetHeader)
        for index in (0..<sent.total).reversed() {
            try received.add(try #require(sent.part(at: index)))
        }
        let bytes = try #require(received.data)
        let decoded = try Block(protobuf: bytes)
        #expect(decoded == block)
        #expect(decoded.blockID == block.blockID)
    }

    @Test func firstBlockCarriesTheEmptyCommit() throws {
        var block = Block(header: Self.header(height: 1), lastCommit: .empty)
        block.fillHeaderHashes()
        #expect(block.header.lastCommitHash == SHA256Hash.empty)
        try block.validateBasic()
        #expect(try Block(protobuf: block.protobuf) == block)
    }

    @Test func malformedBlocksNameTheField() throws {
        let bytes = Self.block().protobuf
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: DecodingError.self) { try Block(protobuf: Bytes(bytes.prefix(cut))) }
        }
        var p = Self.block().proto
        p.lastCommit.signatures[0].validatorAddress = Data([1])
        #expect { try Block(proto: p) } throws: {
            ($0 as? DecodingError)?.field == "last_commit.signatures[0].validator_address"
        }
        p = Self.block().proto
        p.evidence.evidence[0].duplicateVoteEvidence.voteA.height = 0 // its hash no longer matters: shape fails first
        #expect { try Block(proto: p) } throws: {
            ($0 as? DecodingError)?.field == "evidence.evidence[0].duplicate_vote_evidence.vote_a.height"
        }
        p = Self.block().proto
        p.header.proposerAddress = Data()
        #expect { try Block(proto: p) } throws: { ($0 as? DecodingError)?.field == "header.proposer_address" }
        p = Self.block().proto
        p.clearHeader()
        #expect { try Block(proto: p) } throws: { ($0 as? DecodingError)?.field == "header" }
        // The header is intact but the last commit's bytes are cut inside it.
        var broken = CanonicalEncoding.encode(Self.block().proto.header)
        broken = [0x0A] + varint(broken.count) + broken + [0x22, 0x05, 0x08]
        #expect { try Block(protobuf: broken) } throws: { ($0 as? DecodingError)?.field == "last_commit" }
    }

    private func varint(_ n: Int) -> Bytes {
        var out = Bytes()
        Varint.append(UInt64(n), to: &out)
        return out
    }
}
