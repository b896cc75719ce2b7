import PalisadeCrypto
import PalisadeTypes
import Testing

@Suite("Rebuilding a signed message from the signer's record")
struct SignedMessageRecoveryTests {
    let chainID = "recovery"

    @Test("a vote for a block and a nil vote come back byte for byte; other fields or bytes do not")
    func votes() throws {
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 3, count: 32)))
        let block = BlockID(hash: Array(repeating: 0xAB, count: 32),
                            partSetHeader: PartSetHeader(total: 2, hash: Array(repeating: 0xCD, count: 32)))
        for blockID in [block, BlockID(hash: [], partSetHeader: PartSetHeader(total: 0, hash: []))] {
            var vote = Vote(type: .prevote, height: 79, round: 2, blockID: blockID,
                            timestamp: Timestamp(seconds: 1_700_000_123, nanos: 456),
                            validatorAddress: key.publicKey.address, validatorIndex: 3)
            vote.sign(with: key, chainID: chainID)
            let bytes = vote.signBytes(chainID: chainID)
            let rebuilt = SignedMessageRecovery.vote(signBytes: bytes, signature: vote.signature, chainID: chainID,
                                                     type: .prevote, height: 79, round: 2,
                                                     validatorAddress: vote.validatorAddress, validatorIndex: 3)
            #expect(rebuilt == vote)
            #expect(rebuilt?.verifySignature(chainID: chainID, publicKey: key.publicKey) == true)
            // The record is for another round or type: nothing is rebuilt.
            #expect(SignedMessageRecovery.vote(signBytes: bytes, signature: vote.signature, chainID: chainID,
                                               type: .prevote, height: 79, round: 3,
                                               validatorAddress: vote.validatorAddress, validatorIndex: 3) == nil)
            #expect(SignedMessageRecovery.vote(signBytes: bytes, signature: vote.signature, chainID: chainID,
                                               type: .precommit, height: 79, round: 2,
                                               validatorAddress: vote.validatorAddress, validatorIndex: 3) == nil)
            #expect(SignedMessageRecovery.vote(signBytes: bytes, signature: vote.signature, chainID: "other",
                                               type: .prevote, height: 79, round: 2,
                                               validatorAddress: vote.validatorAddress, validatorIndex: 3) == nil)
            #expect(SignedMessageRecovery.vote(signBytes: Array(bytes.dropLast()), signature: vote.signature,
                                               chainID: chainID, type: .prevote, height: 79, round: 2,
                                               validatorAddress: vote.validatorAddress, validatorIndex: 3) == nil)
        }
    }

    @Test("a proposal comes back byte for byte")
    func proposal() throws {
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 4, count: 32)))
        var proposal = Proposal(height: 5, round: 1, polRound: 0,
                                blockID: BlockID(hash: Array(repeating: 1, count: 32),
                                                 partSetHeader: PartSetHeader(total: 1, hash: Array(repeating: 2, count: 32))),
                                timestamp: Timestamp(seconds: 1_700_000_000, nanos: 1))
        proposal.signature = key.sign(proposal.signBytes(chainID: chainID))
        let rebuilt = SignedMessageRecovery.proposal(signBytes: proposal.signBytes(chainID: chainID),
                                                     signature: proposal.signature, chainID: chainID, height: 5, round: 1)
        #expect(rebuilt == proposal)
        #expect(SignedMessageRecovery.proposal(signBytes: proposal.signBytes(chainID: chainID),
                                               signature: proposal.signature, chainID: chainID, height: 5, round: 2) == nil)
    }
}
