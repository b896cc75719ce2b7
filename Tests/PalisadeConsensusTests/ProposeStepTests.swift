import PalisadeConsensus
import PalisadeTypes
import Testing

/// StartRound (L11–L21), the proposal rules L22 and L28, and OnTimeoutPropose (L57).
@Suite("Propose step")
struct ProposeStepTests {
    @Test("L11/L21: a non-proposer starts round 0 in propose and schedules timeoutPropose(0)")
    func startRoundAsNonProposer() {
        var h = Harness()
        let out = h.start()
        #expect(out.count == 2)
        #expect(out.timeouts == [Timeout(height: 1, round: 0, step: .propose, duration: 3000)])
        #expect(out.signedProposals.isEmpty && out.proposalRequests.isEmpty)
        #expect(h.state.height == 1 && h.state.round == 0 && h.state.step == .propose)
        #expect(h.state.lockedRound == -1 && h.state.validRound == -1)
    }

    @Test("L14/L18/L19: the proposer with no valid value asks for one, then proposes it with validRound −1")
    func proposerRequestsValue() {
        var h = Harness(me: .proposer(ofRound: 0))
        let start = h.start()
        #expect(start.proposalRequests.map(\.round) == [0])
        #expect(start.timeouts.map(\.step) == [.propose])

        let out = h.feed(.proposalValue(height: 1, round: 0, blockID: blockA, now: h.now))
        #expect(out.signedProposals.map(\.blockID) == [blockA])
        #expect(out.signedProposals.map(\.polRound) == [-1])
        // Our own proposal comes back signed; proposalValue made it full and valid, so L22 prevotes it.
        let back = h.feed(.proposal(h.proposal(round: 0, blockA), now: h.now))
        #expect(back.prevoted == [blockA])
        // An unrequested or repeated value changes nothing.
        #expect(h.feed(.proposalValue(height: 1, round: 0, blockID: blockB, now: h.now)).isEmpty)
    }

    @Test("L15/L19: the proposer re-proposes validValue with polRound = validRound, not lockedRound")
    func reproposesValidValue() {
        var h = Harness(me: .proposer(ofRound: 3))
        _ = h.start()
        h.advance(to: 1)
        h.lock(on: blockA, round: 1)  // lockedRound = validRound = 1
        let out = h.timeout(.precommit, round: 2)  // StartRound(3): our turn
        #expect(h.state.round == 3)
        #expect(out.signedProposals.map(\.blockID) == [blockA])
        #expect(out.signedProposals.map(\.polRound) == [1])
        #expect(out.proposalRequests.isEmpty)
        #expect(h.state.lockedValue == blockA && h.state.validRound == 1)
    }

    @Test("L15/L19: re-proposal directive carries validRound after validValue moved past lockedRound")
    func reproposalCarriesValidRound() {
        var h = Harness(me: .proposer(ofRound: 3))
        _ = h.start()
        h.lock(on: blockA, round: 0)  // lockedRound 0
        // Round 1: the polka for B arrives after we precommitted nil: validValue = B at 1, lock stays on A at 0.
        _ = h.propose(round: 1, blockB)  // locked on A: prevote nil
        _ = h.timeout(.prevote, round: 1)  // precommit nil
        _ = h.prevotes(blockB, round: 1, from: h.others)  // L36 in precommit step
        #expect(h.state.lockedValue == blockA && h.state.lockedRound == 0)
        #expect(h.state.validValue == blockB && h.state.validRound == 1)
        _ = h.timeout(.precommit, round: 1)
        let out = h.timeout(.precommit, round: 2)  // StartRound(3)
        #expect(out.signedProposals.map { [$0.height, Int64($0.round), Int64($0.polRound)] } == [[1, 3, 1]])
        #expect(out.signedProposals.map(\.blockID) == [blockB])
        #expect(out.proposalRequests.isEmpty)
    }

    struct L22Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lockedOn: BlockID?
        var proposed: BlockID
        var valid: Bool
        var prevote: BlockID
        var testDescription: String { name }
    }

    @Test("L22: ⟨PROPOSAL, h, r, v, −1⟩ while propose: prevote id(v) iff valid(v) ∧ (lockedRound = −1 ∨ lockedValue = v)",
          arguments: [
              L22Case(name: "no lock, valid v → prevote v", lockedOn: nil, proposed: blockA, valid: true, prevote: blockA),
              L22Case(name: "no lock, invalid v → prevote nil", lockedOn: nil, proposed: blockA, valid: false, prevote: nilBlock),
              L22Case(name: "locked on v, valid v → prevote v", lockedOn: blockA, proposed: blockA, valid: true, prevote: blockA),
              L22Case(name: "locked on another value → prevote nil", lockedOn: blockB, proposed: blockA, valid: true, prevote: nilBlock),
              L22Case(name: "locked on another value, invalid v → prevote nil", lockedOn: blockB, proposed: blockA, valid: false,
                      prevote: nilBlock),
          ])
    func l22(_ row: L22Case) {
        var h = Harness()
        _ = h.start()
        if let locked = row.lockedOn { h.lock(on: locked, round: 0) }
        let round = h.state.round
        let out = h.propose(round: round, row.proposed, valid: row.valid)
        #expect(out.prevoted == [row.prevote])
        #expect(out.signedVotes.allSatisfy { $0.round == round && $0.height == 1 })
        #expect(h.state.step == .prevote)
    }

    @Test("L22: waits for the block's verdict (a proposal is full only with valid(v) known), and fires only in propose")
    func l22WaitsForFullProposal() {
        var h = Harness()
        _ = h.start()
        let proposal = h.propose(round: 0, blockA, valid: nil)
        #expect(proposal.persisted.count == 1 && proposal.signedVotes.isEmpty)
        #expect(h.validity(round: 0, blockA, true).prevoted == [blockA])

        var late = Harness()
        _ = late.start()
        #expect(late.timeout(.propose, round: 0).prevoted == [nilBlock])
        #expect(late.propose(round: 0, blockA).signedVotes.isEmpty)  // step is prevote: L22 is not enabled
    }

    struct L28Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lock: (value: BlockID, round: Int32)?
        var polka: (value: BlockID, round: Int32)?
        var vr: Int32
        var valid = true
        /// The prevote for the round-2 proposal of A, or nil when the rule must wait.
        var prevote: BlockID?
        var testDescription: String { name }
    }

    @Test("L28: ⟨PROPOSAL, h, r, v, vr⟩ with 2f+1 prevotes for v at vr: prevote v iff valid(v) ∧ (lockedRound ≤ vr ∨ lockedValue = v)",
          arguments: [
              L28Case(name: "lockedRound < vr, locked on other → prevote v", lock: (blockB, 0), polka: (blockA, 1), vr: 1,
                      prevote: blockA),
              L28Case(name: "lockedRound = vr → prevote v (≤, not <)", lock: (blockA, 1), polka: nil, vr: 1, prevote: blockA),
              L28Case(name: "lockedRound > vr, locked on other → prevote nil", lock: (blockB, 1), polka: (blockA, 0), vr: 0,
                      prevote: nilBlock),
              L28Case(name: "lockedRound > vr, lockedValue = v → prevote v", lock: (blockA, 1), polka: (blockA, 0), vr: 0,
                      prevote: blockA),
              L28Case(name: "no lock → prevote v", lock: nil, polka: (blockA, 1), vr: 1, prevote: blockA),
              L28Case(name: "invalid v → prevote nil", lock: nil, polka: (blockA, 1), vr: 1, valid: false, prevote: nilBlock),
              L28Case(name: "polka missing → wait", lock: nil, polka: nil, vr: 1, prevote: nil),
              L28Case(name: "polka at vr is for another value → wait", lock: nil, polka: (blockB, 1), vr: 1, prevote: nil),
              L28Case(name: "polka in the current round, not vr → wait", lock: nil, polka: (blockA, 2), vr: 1, prevote: nil),
          ])
    func l28(_ row: L28Case) {
        var h = Harness()
        _ = h.start()
        if let lock = row.lock {
            h.advance(to: lock.round)
            h.lock(on: lock.value, round: lock.round)
        }
        h.advance(to: 2)
        if let polka = row.polka { _ = h.prevotes(polka.value, round: polka.round, from: h.others) }
        let out = h.propose(round: 2, blockA, pol: row.vr, valid: row.valid)
        if let expected = row.prevote {
            #expect(out.prevoted == [expected])
            #expect(h.state.step == .prevote)
        } else {
            #expect(out.signedVotes.isEmpty)
            #expect(h.state.step == .propose)
            #expect(h.timeout(.propose, round: 2).prevoted == [nilBlock])  // L57 ends the wait
        }
    }

    @Test("A proposal with polRound ≥ round or a zero block ID is ignored; distinct proposals of a round are kept, capped")
    func proposalsOfARound() {
        var h = Harness()
        _ = h.start()
        #expect(h.feed(.proposal(h.proposal(round: 0, blockA, pol: 0), now: h.now)).isEmpty)
        #expect(h.feed(.proposal(h.proposal(round: 1, blockA, pol: 3), now: h.now)).isEmpty)
        #expect(h.feed(.proposal(h.proposal(round: 0, nilBlock), now: h.now)).isEmpty)
        #expect(h.feed(.proposal(h.proposal(round: 0, blockA), now: h.now)).count == 1)
        #expect(h.feed(.proposal(h.proposal(round: 0, blockA), now: h.now)).isEmpty)  // the same again
        // An equivocating proposer's other proposals are kept (L36/L49 may need them), up to a cap.
        #expect(h.feed(.proposal(h.proposal(round: 0, blockB), now: h.now)).count == 1)
        #expect(h.feed(.proposal(h.proposal(round: 0, block("C")), now: h.now)).count == 1)
        #expect(h.feed(.proposal(h.proposal(round: 0, block("D")), now: h.now)).count == 1)
        #expect(h.feed(.proposal(h.proposal(round: 0, block("E")), now: h.now)).isEmpty)
        #expect(h.state.proposal?.blockID == blockA)
        // L22 takes the first full one in arrival order.
        _ = h.validity(round: 0, blockB, true)
        #expect(h.validity(round: 0, blockA, true).signedVotes.isEmpty)  // already prevoted B
        #expect(h.state.step == .prevote)
    }

    @Test("Far-future proposals: only the two highest rounds above round_p + 1 are kept")
    func farProposals() {
        var h = Harness()
        _ = h.start()
        #expect(h.propose(round: 5, blockA, valid: nil).count == 1)
        #expect(h.propose(round: 6, blockA, valid: nil).count == 1)
        #expect(h.propose(round: 4, blockA, valid: nil).isEmpty)
        #expect(h.propose(round: 7, blockA, valid: nil).count == 1)  // evicts round 5
        #expect(h.propose(round: 1, blockA, valid: nil).count == 1)  // round_p + 1 is not far
    }

    @Test("L57: timeoutPropose(h, round_p) in propose prevotes nil; a stale one is a no-op",
          arguments: [(Int64(1), Int32(0), true), (1, 1, false), (2, 0, false), (0, 0, false)])
    func l57(height: Int64, round: Int32, fires: Bool) {
        var h = Harness()
        _ = h.start()
        let out = h.timeout(.propose, round: round, height: height)
        #expect(out.prevoted == (fires ? [nilBlock] : []))
        #expect(out.isEmpty == !fires)
        #expect(h.state.step == (fires ? .prevote : .propose))
        #expect(h.timeout(.propose, round: 0).isEmpty == fires)  // once in prevote, the same timeout is stale
    }
}
