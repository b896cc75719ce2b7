import PalisadeConsensus
import PalisadeTypes
import Testing

/// Rules that need prevotes of the current round: L34, L36, L44, and OnTimeoutPrevote (L61).
@Suite("Prevote step")
struct PrevoteStepTests {
    /// Values prevoted by the three other validators, in order.
    struct L34Case: CustomTestStringConvertible, Sendable {
        var name: String
        var prevotes: [BlockID]
        /// After how many of them timeoutPrevote is scheduled (nil: never).
        var scheduledAfter: Int?
        var testDescription: String { name }
    }

    @Test("L34: 2f+1 ⟨PREVOTE, h, round_p, ∗⟩ in prevote schedules timeoutPrevote once, summing every value and nil",
          arguments: [
              L34Case(name: "v, nil, other value", prevotes: [blockA, nilBlock, blockB], scheduledAfter: 3),
              L34Case(name: "nil, v, v", prevotes: [nilBlock, blockA, blockA], scheduledAfter: 3),
              L34Case(name: "two votes are not 2f+1 (our own third one is)", prevotes: [blockA, blockB], scheduledAfter: nil),
          ])
    func l34(_ row: L34Case) {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA, valid: false)  // prevote nil, step prevote, no polka for anything
        var scheduled: [Int] = []
        for (n, value) in row.prevotes.enumerated() {
            let out = h.prevotes(value, round: 0, from: [h.others[n]])
            if out.timeouts.contains(Timeout(height: 1, round: 0, step: .prevote, duration: 1000)) { scheduled.append(n + 1) }
        }
        #expect(scheduled == (row.scheduledAfter.map { [$0] } ?? []))
        // Our own prevote, fed back, counts too, but schedules only if nothing did before.
        if let me = h.me {
            #expect(h.prevotes(nilBlock, round: 0, from: [me]).timeouts.isEmpty == (row.scheduledAfter != nil))
        }
    }

    @Test("L34: not in propose step (the rule needs step = prevote)")
    func l34NeedsPrevoteStep() {
        var h = Harness()
        _ = h.start()
        #expect(h.prevotes(nilBlock, round: 0, from: [h.others[0], h.others[1]]).timeouts.isEmpty)
        #expect(h.prevotes(blockA, round: 0, from: [h.others[2]]).timeouts.isEmpty)
        // Entering prevote later still finds the quorum, and schedules then.
        #expect(h.timeout(.propose, round: 0).timeouts.map(\.step) == [.prevote])
    }

    @Test("L36 in prevote step: lock on v, then precommit id(v), and set validValue/validRound")
    func l36InPrevote() {
        var h = Harness()
        _ = h.start()
        #expect(h.propose(round: 0, blockA).prevoted == [blockA])
        let out = h.prevotes(blockA, round: 0, from: h.others)
        #expect(out.precommitted == [blockA])
        #expect(h.state.lockedValue == blockA && h.state.lockedRound == 0)
        #expect(h.state.validValue == blockA && h.state.validRound == 0)
        #expect(h.state.step == .precommit)
        // The vote that completed the polka is persisted before the precommit leaves.
        let last = h.prevotes(blockA, round: 0, from: [])
        #expect(last.isEmpty)
        #expect(h.wal.count == 1 + 2 + 3)  // start, proposal + validity, three prevotes
    }

    @Test("L36 in precommit step: validValue/validRound updated, no lock and no second precommit")
    func l36InPrecommit() {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        #expect(h.timeout(.prevote, round: 0).precommitted == [nilBlock])  // L61
        let out = h.prevotes(blockA, round: 0, from: h.others)
        #expect(out.signedVotes.isEmpty)
        #expect(h.state.validValue == blockA && h.state.validRound == 0)
        #expect(h.state.lockedValue == nil && h.state.lockedRound == -1)
    }

    @Test("L36 fires for the first time only, and needs the full, valid proposal",
          arguments: [true, false])
    func l36NeedsFullProposal(valid: Bool) {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA, valid: nil)  // the block has not arrived
        _ = h.timeout(.propose, round: 0)  // prevote nil
        #expect(h.prevotes(blockA, round: 0, from: h.others).precommitted.isEmpty)
        let out = h.validity(round: 0, blockA, valid)
        #expect(out.precommitted == (valid ? [blockA] : []))
        #expect(h.state.lockedValue == (valid ? blockA : nil))
        if let me = h.me { #expect(h.prevotes(nilBlock, round: 0, from: [me]).signedVotes.isEmpty) }
    }

    @Test("L44: 2f+1 ⟨PREVOTE, h, round_p, nil⟩ in prevote → precommit nil")
    func l44() {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        #expect(h.prevotes(nilBlock, round: 0, from: Array(h.others.prefix(2))).precommitted.isEmpty)
        let out = h.prevotes(nilBlock, round: 0, from: [h.others[2]])
        #expect(out.precommitted == [nilBlock])
        #expect(h.state.step == .precommit && h.state.lockedRound == -1)
    }

    @Test("L61: timeoutPrevote(h, round_p) in prevote → precommit nil; stale ones are no-ops",
          arguments: [(Step.prevote, Int32(0), true), (.propose, 0, false), (.prevote, 1, false)])
    func l61(stepBefore: Step, round: Int32, fires: Bool) {
        var h = Harness()
        _ = h.start()
        if stepBefore == .prevote { _ = h.timeout(.propose, round: 0) }
        let out = h.timeout(.prevote, round: round)
        #expect(out.precommitted == (fires ? [nilBlock] : []))
        #expect(out.isEmpty == !fires)
        #expect(h.state.step == (fires ? .precommit : stepBefore))
    }
}
