import PalisadeCrypto
import PalisadeTypes
import Testing

/// The signer's re-sign rule: the same (height, round, step) may be signed again only for the
/// same canonical message, and a difference in the timestamp alone hands back the stored
/// signature with the stored timestamp.
@Suite struct SignBytesComparisonTests {
    static let chainID = "test-chain"
    static let key = Ed25519PrivateKey(seed: Bytes(repeating: 7, count: 32))!
    static let block = BlockID(hash: Bytes(repeating: 0xAA, count: 32),
                               partSetHeader: PartSetHeader(total: 2, hash: Bytes(repeating: 0xBB, count: 32)))
    static let t1 = Timestamp(seconds: 1_700_000_000, nanos: 5)
    static let t2 = Timestamp(seconds: 1_700_000_003, nanos: 999)

    static func precommit(_ blockID: BlockID = block, at timestamp: Timestamp = t1, round: Int32 = 2) -> Vote {
        Vote(type: .precommit, height: 10, round: round, blockID: blockID, timestamp: timestamp,
             validatorAddress: key.publicKey.address, validatorIndex: 0)
    }

    /// The state after signing `vote`, as the signer would persist it.
    static func state(after vote: Vote) -> (LastSignState, Bytes) {
        let signBytes = vote.signBytes(chainID: chainID)
        let signature = key.sign(signBytes)
        let state = LastSignState.initial.recording(height: vote.height, round: vote.round, step: SignStep(vote.type),
                                                    signBytes: signBytes, signature: signature)
        return (state, signature)
    }

    @Test func aNewStepIsSigned() throws {
        let (state, _) = Self.state(after: Self.precommit(round: 1))
        let vote = Self.precommit(round: 2)
        #expect(try state.decision(for: vote, chainID: Self.chainID) == .sign(signBytes: vote.signBytes(chainID: Self.chainID)))
    }

    @Test func identicalBytesReuseTheSignature() throws {
        let vote = Self.precommit()
        let (state, signature) = Self.state(after: vote)
        #expect(try state.decision(for: vote, chainID: Self.chainID) == .reuse(signature: signature, timestamp: Self.t1))
    }

    @Test func onlyTheTimestampDiffersReusesTheStoredSignatureAndTime() throws {
        let (state, signature) = Self.state(after: Self.precommit(at: Self.t1))
        var replay = Self.precommit(at: Self.t2)
        let decision = try state.decision(for: replay, chainID: Self.chainID)
        #expect(decision == .reuse(signature: signature, timestamp: Self.t1))
        // With the stored time put back, the stored signature is valid for the replayed vote.
        replay.timestamp = Self.t1
        replay.signature = signature
        #expect(replay.verifySignature(chainID: Self.chainID, publicKey: Self.key.publicKey))
    }

    @Test func anyOtherDifferenceIsAConflict() throws {
        let (state, _) = Self.state(after: Self.precommit())
        let conflict = SignRefusal.conflictingData(height: 10, round: 2, step: .precommit)
        var otherBlock = Self.block
        otherBlock.hash[0] ^= 1
        #expect(throws: conflict) { try state.decision(for: Self.precommit(otherBlock, at: Self.t2), chainID: Self.chainID) }
        #expect(throws: conflict) { try state.decision(for: Self.precommit(.zero), chainID: Self.chainID) }
        var otherParts = Self.block
        otherParts.partSetHeader.total = 3
        #expect(throws: conflict) { try state.decision(for: Self.precommit(otherParts), chainID: Self.chainID) }
        #expect(throws: conflict) { try state.decision(for: Self.precommit(), chainID: "other-chain") }
    }

    @Test func regressionsAreRefusedBeforeAnyComparison() {
        let (state, _) = Self.state(after: Self.precommit())
        var prevote = Self.precommit()
        prevote.type = .prevote
        #expect(throws: SignRefusal.stepRegression(height: 10, round: 2, step: .prevote, lastStep: .precommit)) {
            try state.decision(for: prevote, chainID: Self.chainID)
        }
        var earlier = Self.precommit()
        earlier.height = 9
        #expect(throws: SignRefusal.heightRegression(height: 9, lastHeight: 10)) {
            try state.decision(for: earlier, chainID: Self.chainID)
        }
    }

    @Test func unreadableStoredBytesAreRefused() {
        var (state, _) = Self.state(after: Self.precommit())
        let refusal = SignRefusal.unreadableSignBytes(height: 10, round: 2, step: .precommit)
        let good = state.signBytes ?? []
        for corrupt in [Bytes([0x05, 0x01]), good + [0x00], Bytes(good.dropLast()), Bytes([0xff, 0xff, 0xff])] {
            state.signBytes = corrupt
            #expect(throws: refusal) { try state.decision(for: Self.precommit(at: Self.t2), chainID: Self.chainID) }
        }
    }

    @Test func proposals() throws {
        var proposal = Proposal(height: 4, round: 1, polRound: -1, blockID: Self.block, timestamp: Self.t1)
        let signBytes = proposal.signBytes(chainID: Self.chainID)
        let signature = Self.key.sign(signBytes)
        let state = LastSignState.initial.recording(height: 4, round: 1, step: .propose, signBytes: signBytes, signature: signature)

        #expect(try state.decision(for: proposal, chainID: Self.chainID) == .reuse(signature: signature, timestamp: Self.t1))
        proposal.timestamp = Self.t2
        #expect(try state.decision(for: proposal, chainID: Self.chainID) == .reuse(signature: signature, timestamp: Self.t1))
        proposal.polRound = 0
        #expect(throws: SignRefusal.conflictingData(height: 4, round: 1, step: .propose)) {
            try state.decision(for: proposal, chainID: Self.chainID)
        }
        // A proposal at the same height and round may not follow a prevote there.
        let prevoted = state.recording(height: 4, round: 1, step: .prevote, signBytes: [1], signature: [2])
        #expect(throws: SignRefusal.stepRegression(height: 4, round: 1, step: .propose, lastStep: .prevote)) {
            try prevoted.decision(for: proposal, chainID: Self.chainID)
        }
    }

    @Test func comparisonFunctionsDirectly() {
        let a = Self.precommit(at: Self.t1).signBytes(chainID: Self.chainID)
        let b = Self.precommit(at: Self.t2).signBytes(chainID: Self.chainID)
        #expect(SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: a, new: b) == Self.t1)
        #expect(SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: b, new: a) == Self.t2)
        #expect(SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: a, new: []) == nil)
        #expect(SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: [], new: a) == nil)
        let proposal = Proposal(height: 10, round: 2, polRound: -1, blockID: Self.block, timestamp: Self.t1)
        let p = proposal.signBytes(chainID: Self.chainID)
        #expect(SignBytesComparison.proposalTimestampIfOnlyTimestampDiffers(stored: p, new: p) == Self.t1)
        #expect(SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: a, new: p) == nil)
        #expect(SignStep(VoteType.prevote) == .prevote && SignStep(VoteType.precommit) == .precommit)
    }
}
