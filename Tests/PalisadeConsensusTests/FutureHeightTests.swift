import PalisadeConsensus
import PalisadeTypes
import Testing

/// Messages for h + 1 that arrive early are buffered (bounded) and replayed at `startHeight`.
@Suite("Future-height buffering")
struct FutureHeightTests {
    @Test("Votes and proposals for h + 1 are persisted and buffered; h + 2 and repeats are not")
    func buffers() {
        var h = Harness()
        _ = h.start()
        let vote = h.vote(.prevote, blockA, round: 0, from: h.others[0], height: 2)
        #expect(h.feed(.vote(vote, now: h.now)).count == 1)
        #expect(h.feed(.vote(vote, now: h.now)).isEmpty)
        #expect(h.feed(.proposal(h.proposal(round: 0, blockA, height: 2), now: h.now)).count == 1)
        #expect(h.feed(.vote(h.vote(.prevote, blockA, round: 0, from: h.others[1], height: 3), now: h.now)).isEmpty)
        #expect(h.state.bufferedFutureInputs == 2)
        #expect(h.state.height == 1 && h.state.step == .propose)
    }

    @Test("The buffer is bounded: beyond the limit new messages are dropped ([]), not persisted",
          arguments: [0, 1, 3])
    func bounded(limit: Int) {
        var h = Harness(bufferLimit: limit)
        _ = h.start()
        var kept = 0
        for round: Int32 in 0..<5 {
            if !h.feed(.vote(h.vote(.prevote, blockA, round: round, from: h.others[0], height: 2), now: h.now)).isEmpty {
                kept += 1
            }
        }
        #expect(kept == limit)
        #expect(h.state.bufferedFutureInputs == limit)
    }

    @Test("startHeight(h + 1) replays the buffer: two validators' round-1 votes make it skip to round 1 (L55)")
    func replaysAtStart() {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        _ = h.precommits(blockA, round: 0, from: h.others)
        #expect(h.state.hasDecided)
        _ = h.votes(.precommit, nilBlock, round: 1, from: [h.others[0]].map { $0 })
        for index in h.others.prefix(2) {
            _ = h.feed(.vote(h.vote(.prevote, nilBlock, round: 1, from: index, height: 2), now: h.now))
        }
        #expect(h.state.bufferedFutureInputs == 2)
        let out = h.start(height: 2)
        #expect(out.persisted.count == 1)  // the buffered inputs were persisted when they arrived
        #expect(h.state.height == 2 && h.state.round == 1)
        #expect(h.state.bufferedFutureInputs == 0)
        #expect(h.state.lockedValue == nil && h.state.validValue == nil)  // L54: reset at a new height
    }

    @Test("Before the first startHeight, messages for height 1 wait in the buffer")
    func beforeFirstStart() {
        var h = Harness()
        _ = h.feed(.proposal(h.proposal(round: 0, blockA), now: h.now))
        #expect(h.state.bufferedFutureInputs == 1)
        let out = h.start() + h.validity(round: 0, blockA, true)
        #expect(out.prevoted == [blockA])
    }
}
