import PalisadeCrypto
import PalisadeSimulator
import PalisadeTypes
import Testing

/// The checker must catch violations fabricated by hand: a checker that passes everything
/// would make every campaign meaningless.
@Suite("Safety checker")
struct CheckerTests {
    static func block(_ tag: UInt8) -> BlockID {
        let hash = SHA256Hash.digest([tag])
        return BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(hash)))
    }

    static func vote(_ type: VoteType, height: Int64, round: Int32, _ block: BlockID) -> Vote {
        Vote(type: type, height: height, round: round, blockID: block, timestamp: Timestamp(seconds: 1),
             validatorAddress: Address(bytes: [1]), validatorIndex: 0)
    }

    /// Four honest validators; v0 proposes every round; every block tagged 1...9 is valid.
    static func checker(liveness: (Int64, SimTime)? = nil) -> SafetyChecker {
        SafetyChecker(honest: [0, 1, 2, 3], proposer: { _, _ in 0 },
                      isValid: { block, _ in (1...9).contains { CheckerTests.block($0) == block } },
                      liveness: liveness.map { (targetHeight: $0.0, deadline: $0.1) })
    }

    static func proposed(_ observations: inout Observations, height: Int64, round: Int32, _ block: BlockID) {
        observations.recordProposal(validator: 0, Proposal(height: height, round: round, polRound: -1, blockID: block,
                                                           timestamp: Timestamp(seconds: 1)))
    }

    @Test("a clean record passes")
    func cleanPasses() {
        var observations = Observations()
        Self.proposed(&observations, height: 1, round: 0, Self.block(1))
        for v in 0..<4 { observations.recordDecision(validator: v, height: 1, round: 0, block: Self.block(1), time: 10) }
        #expect(Self.checker(liveness: (1, 100)).check(observations).isEmpty)
    }

    @Test("a fork is an agreement violation")
    func forkCaught() {
        var observations = Observations()
        Self.proposed(&observations, height: 1, round: 0, Self.block(1))
        Self.proposed(&observations, height: 1, round: 1, Self.block(2))
        observations.recordDecision(validator: 0, height: 1, round: 0, block: Self.block(1), time: 10)
        observations.recordDecision(validator: 3, height: 1, round: 1, block: Self.block(2), time: 12)
        let violations = Self.checker().check(observations)
        #expect(violations.contains { $0.isAgreement })
    }

    @Test("a validator deciding one height twice differently is a fork")
    func selfForkCaught() {
        var observations = Observations()
        Self.proposed(&observations, height: 1, round: 0, Self.block(1))
        observations.recordDecision(validator: 2, height: 1, round: 0, block: Self.block(1), time: 10)
        observations.recordDecision(validator: 2, height: 1, round: 0, block: Self.block(2), time: 11)
        #expect(Self.checker().check(observations).contains { $0.isAgreement })
    }

    @Test("an honest double-sign is caught")
    func doubleSignCaught() {
        var observations = Observations()
        observations.recordHonestVote(validator: 1, Self.vote(.prevote, height: 1, round: 0, Self.block(1)))
        observations.recordHonestVote(validator: 1, Self.vote(.prevote, height: 1, round: 0, Self.block(2)))
        // A prevote and a precommit in one round, or votes in two rounds, are not double-signs.
        observations.recordHonestVote(validator: 2, Self.vote(.prevote, height: 1, round: 0, Self.block(1)))
        observations.recordHonestVote(validator: 2, Self.vote(.precommit, height: 1, round: 0, .zero))
        observations.recordHonestVote(validator: 2, Self.vote(.prevote, height: 1, round: 1, Self.block(2)))
        let kinds = Self.checker().check(observations).map(\.kind)
        #expect(kinds == ["double-sign"])
    }

    @Test("a decided block nobody proposed, or an invalid one, breaks validity")
    func validityCaught() {
        var observations = Observations()
        observations.recordDecision(validator: 0, height: 1, round: 0, block: Self.block(3), time: 10)
        Self.proposed(&observations, height: 2, round: 0, Self.block(200))
        observations.recordDecision(validator: 0, height: 2, round: 0, block: Self.block(200), time: 20)
        // Proposed, but in another round than the one decided.
        Self.proposed(&observations, height: 3, round: 0, Self.block(4))
        observations.recordDecision(validator: 0, height: 3, round: 1, block: Self.block(4), time: 30)
        let kinds = Self.checker().check(observations).map(\.kind)
        #expect(kinds == ["validity", "validity", "validity"])
    }

    @Test("an equivocation received without evidence is caught")
    func missingEvidenceCaught() {
        var observations = Observations()
        observations.recordReceivedVote(receiver: 0, signer: 3, Self.vote(.precommit, height: 1, round: 2, Self.block(1)))
        observations.recordReceivedVote(receiver: 0, signer: 3, Self.vote(.precommit, height: 1, round: 2, Self.block(2)))
        #expect(Self.checker().check(observations).map(\.kind) == ["missing-evidence"])
        observations.recordEvidence(receiver: 0, signer: 3, Self.vote(.precommit, height: 1, round: 2, Self.block(1)))
        #expect(Self.checker().check(observations).isEmpty)
    }

    @Test("a validator short of the target height by the deadline breaks liveness")
    func livenessCaught() {
        var observations = Observations()
        Self.proposed(&observations, height: 1, round: 0, Self.block(1))
        for v in 0..<3 { observations.recordDecision(validator: v, height: 1, round: 0, block: Self.block(1), time: 10) }
        observations.recordDecision(validator: 3, height: 1, round: 0, block: Self.block(1), time: 500)
        let violations = Self.checker(liveness: (1, 100)).check(observations)
        #expect(violations == [.liveness(validator: 3, decidedHeight: 1, target: 1, deadline: 100)])
    }

    @Test("a signer refusal outside replay is reported")
    func signerRefusalReported() {
        var observations = Observations()
        observations.recordSignerRefusal(validator: 2, detail: "Prevote h=1 r=0 conflicts")
        #expect(Self.checker().check(observations).map(\.kind) == ["signer-refused"])
    }
}
