import PalisadeConsensus
import PalisadeTypes
import Testing

/// Rules on precommits and rounds: L47, L49, L55, OnTimeoutPrecommit (L65), and the lock across rounds.
@Suite("Precommits, decisions and rounds")
struct PrecommitStepTests {
    @Test("L47: 2f+1 ⟨PRECOMMIT, h, round_p, ∗⟩ schedules timeoutPrecommit once, in any step",
          arguments: [Step.propose, .prevote, .precommit])
    func l47(step: Step) {
        var h = Harness()
        _ = h.start()
        if step >= .prevote { _ = h.timeout(.propose, round: 0) }
        if step >= .precommit { _ = h.timeout(.prevote, round: 0) }
        #expect(h.state.step == step)
        #expect(h.precommits(blockA, round: 0, from: [h.others[0]]).timeouts.isEmpty)
        #expect(h.precommits(nilBlock, round: 0, from: [h.others[1]]).timeouts.isEmpty)
        let out = h.precommits(blockB, round: 0, from: [h.others[2]])
        #expect(out.timeouts == [Timeout(height: 1, round: 0, step: .precommit, duration: 1000)])
        if let me = h.me { #expect(h.precommits(nilBlock, round: 0, from: [me]).timeouts.isEmpty) }
    }

    struct L49Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The round we are in when the proposal and precommits of `decidingRound` arrive.
        var currentRound: Int32
        var decidingRound: Int32
        var pol: Int32 = -1
        var testDescription: String { name }
    }

    @Test("L49: the full proposal and 2f+1 precommits for it in any round r decide, in any step",
          arguments: [
              L49Case(name: "current round", currentRound: 0, decidingRound: 0),
              L49Case(name: "past round", currentRound: 2, decidingRound: 0),
              L49Case(name: "future round (beats L55 round skipping)", currentRound: 0, decidingRound: 2),
              L49Case(name: "proposal with a valid round", currentRound: 1, decidingRound: 1, pol: 0),
          ])
    func l49(_ row: L49Case) {
        var h = Harness()
        _ = h.start()
        h.advance(to: row.currentRound)
        _ = h.propose(round: row.decidingRound, blockA, pol: row.pol)
        _ = h.precommits(blockA, round: row.decidingRound, from: Array(h.others.dropLast()))
        let out = h.precommits(blockA, round: row.decidingRound, from: [h.others[2]])
        #expect(out.decisions.map(\.round) == [row.decidingRound])
        #expect(out.decisions.map(\.blockID) == [blockA])
        #expect(h.state.hasDecided && h.state.decisions[1]?.blockID == blockA)
        #expect(out.timeouts.isEmpty && out.proposalRequests.isEmpty)  // no StartRound after deciding
        // Decided: the core waits for startHeight(2); timeouts and proposals of this height are no-ops.
        #expect(h.timeout(.precommit, round: row.currentRound).isEmpty)
        #expect(h.propose(round: row.currentRound + 1, blockB).isEmpty)
    }

    @Test("L49 before L55: one input enabling both decides in the future round and does not start it")
    func l49BeatsRoundSkip() {
        var h = Harness(powers: [30, 10], me: .index(1))  // validator 0 alone holds more than 2/3
        _ = h.start()
        _ = h.propose(round: 2, blockA)
        let out = h.precommits(blockA, round: 2, from: [0])
        #expect(out.decisions.map(\.round) == [2])
        #expect(h.state.round == 0)
        #expect(out.timeouts.isEmpty && out.proposalRequests.isEmpty)
    }

    @Test("L49 needs the full proposal: precommits first, then the proposal, then its verdict")
    func l49NeedsFullProposal() {
        var h = Harness()
        _ = h.start()
        #expect(h.precommits(blockA, round: 0, from: h.others).decisions.isEmpty)
        #expect(h.propose(round: 0, blockA, valid: nil).decisions.isEmpty)
        #expect(h.validity(round: 0, blockA, true).decisions.map(\.blockID) == [blockA])
    }

    @Test("L49 with an equivocating proposer: decides the value of its second proposal, which the others precommitted")
    func l49OnSecondProposal() {
        var h = Harness()
        _ = h.start()
        #expect(h.propose(round: 0, blockA).prevoted == [blockA])
        _ = h.propose(round: 0, blockB)
        let out = h.precommits(blockB, round: 0, from: h.others)
        #expect(out.decisions.map(\.blockID) == [blockB])
    }

    @Test("L49 does not decide an invalid value, nor a value other than the proposal's")
    func l49NeedsValidProposedValue() {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA, valid: false)
        #expect(h.precommits(blockA, round: 0, from: h.others).decisions.isEmpty)

        var other = Harness()
        _ = other.start()
        _ = other.propose(round: 0, blockA)
        #expect(other.precommits(blockB, round: 0, from: other.others).decisions.isEmpty)
        #expect(!other.state.hasDecided)
    }

    struct L55Case: CustomTestStringConvertible, Sendable {
        var name: String
        var powers: [Int64]
        /// (validator index, vote type) of messages in round 3.
        var votes: [(Int, VoteType)]
        var skips: Bool
        var testDescription: String { name }
    }

    @Test("L55: f+1 distinct validators' power in a higher round → StartRound(that round)",
          arguments: [
              L55Case(name: "two of four equal validators (20 > 40/3)", powers: [10, 10, 10, 10],
                      votes: [(1, .prevote), (2, .prevote)], skips: true),
              L55Case(name: "a prevote and a precommit from different validators", powers: [10, 10, 10, 10],
                      votes: [(1, .prevote), (2, .precommit)], skips: true),
              L55Case(name: "prevote and precommit from one validator is f+1 messages, not f+1 power",
                      powers: [10, 10, 10, 10], votes: [(1, .prevote), (1, .precommit)], skips: false),
              L55Case(name: "one heavy validator (40 of 80) is more than a third", powers: [40, 10, 10, 10, 10],
                      votes: [(0, .prevote)], skips: true),
              L55Case(name: "two light validators (20 of 80) are not", powers: [40, 10, 10, 10, 10],
                      votes: [(1, .prevote), (2, .precommit)], skips: false),
          ])
    func l55(_ row: L55Case) {
        var h = Harness(powers: row.powers, me: .observer)
        _ = h.start()
        var out: [Directive] = []
        for (index, type) in row.votes { out = h.votes(type, nilBlock, round: 3, from: [index]) }
        #expect(h.state.round == (row.skips ? 3 : 0))
        #expect(out.timeouts.contains { $0.round == 3 && $0.step == .propose } == row.skips)
    }

    @Test("L55 keeps lockedRound/validRound; the lock is kept across rounds (invariant 3)")
    func lockSurvivesRoundSkip() {
        var h = Harness()
        _ = h.start()
        h.lock(on: blockA, round: 0)
        _ = h.prevotes(nilBlock, round: 2, from: [h.others[0], h.others[1]])
        #expect(h.state.round == 2)
        #expect(h.state.lockedValue == blockA && h.state.lockedRound == 0)
        #expect(h.state.validValue == blockA && h.state.validRound == 0)
        #expect(h.propose(round: 2, blockB).prevoted == [nilBlock])  // L22: locked on another value
    }

    @Test("L65: timeoutPrecommit(h, round_p) starts round_p + 1 in any step; a stale one is a no-op",
          arguments: [(Step.propose, Int32(0), true), (.prevote, 0, true), (.precommit, 0, true), (.propose, 1, false)])
    func l65(step: Step, round: Int32, fires: Bool) {
        var h = Harness()
        _ = h.start()
        if step >= .prevote { _ = h.timeout(.propose, round: 0) }
        if step >= .precommit { _ = h.timeout(.prevote, round: 0) }
        let out = h.timeout(.precommit, round: round)
        #expect(out.isEmpty == !fires)
        #expect(h.state.round == (fires ? 1 : 0))
        if fires {
            #expect(h.state.step == .propose)
            #expect(out.timeouts == [Timeout(height: 1, round: 1, step: .propose, duration: 3500)])  // base + delta × round
        }
    }
}

