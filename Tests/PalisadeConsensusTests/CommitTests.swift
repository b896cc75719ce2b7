import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes
import Testing

/// The commit certificate in `Decision.commit`, our vote timestamps, and BFT time (`MedianTime`).
@Suite("Commit and block time")
struct CommitTests {
    @Test("The commit has one CommitSig per validator in set order: COMMIT, NIL, ABSENT (incl. other blocks)")
    func commitFlags() throws {
        // 50 + 3 × 10 = 80 of 110 is more than 2/3; validator 4 precommits nil, 5 another block, 6 is silent.
        var h = Harness(powers: [50, 10, 10, 10, 10, 10, 10], me: .observer)
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        _ = h.precommits(nilBlock, round: 0, from: [4])
        _ = h.precommits(blockB, round: 0, from: [5])
        let out = h.precommits(blockA, round: 0, from: [0, 1, 2, 3])
        let decision = try #require(out.decisions.first)
        #expect(decision.commit.height == 1 && decision.commit.round == 0 && decision.commit.blockID == blockA)
        #expect(decision.commit.signatures.map(\.blockIDFlag) == [.commit, .commit, .commit, .commit, .nil, .absent, .absent])
        #expect(decision.commit.signatures[0].validatorAddress == h.net.address(0))
        #expect(decision.commit.signatures[4].validatorAddress == h.net.address(4))

        // A late precommit of the deciding round joins the stored commit until the next height starts.
        let late = h.vote(.precommit, blockA, round: 0, from: 6)
        #expect(h.feed(.vote(late, now: h.now)).count == 1)
        #expect(h.state.decisions[1]?.commit.signatures[6]
            == CommitSig(blockIDFlag: .commit, validatorAddress: late.validatorAddress, timestamp: late.timestamp,
                         signature: late.signature))
        // Another round's precommit does not.
        _ = h.precommits(blockA, round: 1, from: [5])
        #expect(h.state.decisions[1]?.commit.signatures[5].blockIDFlag == .absent)
    }

    @Test("The decision keeps each COMMIT precommit's vote extension beside its CommitSig, late ones too")
    func decisionKeepsExtensions() throws {
        var h = Harness(powers: [10, 10, 10, 10, 10, 10, 10], me: .observer)
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        let extended = (0..<6).map { index in
            var vote = h.vote(.precommit, blockA, round: 0, from: index)
            vote.extension = [UInt8(index), 0xEE]
            vote.extensionSignature = Bytes(repeating: UInt8(index), count: 64)
            return vote
        }
        _ = h.precommits(nilBlock, round: 0, from: [6])
        var out: [Directive] = []
        for index in 0..<5 { out = h.feed(.vote(extended[index], now: h.now)) }
        var second = extended[0]
        second.extension = [0xFF]
        #expect(h.feed(.vote(second, now: h.now)).isEmpty, "a copy with another extension is the same vote")
        let decision = try #require(out.decisions.first)
        #expect(decision.extensions == extended[0..<5].map(VoteExtension.init(of:)) + [.none, .none])
        #expect(decision.extendedCommit?.commit == decision.commit)
        // A late precommit joins with its extension, as it joins the commit.
        _ = h.feed(.vote(extended[5], now: h.now))
        #expect(h.state.decisions[1]?.extensions[5] == VoteExtension(of: extended[5]))
    }

    @Test("An equivocator whose precommit for the block completed the quorum is in the commit as COMMIT")
    func commitCarriesEquivocatorsVote() throws {
        var h = Harness(me: .observer)
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        _ = h.precommits(nilBlock, round: 0, from: [0])
        _ = h.precommits(blockA, round: 0, from: [1, 2])
        let out = h.precommits(blockA, round: 0, from: [0])
        #expect(out.duplicateVotes.count == 1)
        let decision = try #require(out.decisions.first)
        #expect(decision.commit.signatures.map(\.blockIDFlag) == [.commit, .commit, .commit, .absent])
    }

    @Test("Our votes are stamped max(now, lastBlockTime + 1 ms)",
          arguments: [(Int64(-5_000), Int64(1)), (0, 1), (7_000, 7_000)])
    func voteTimestamp(nowOffsetMs: Int64, expectedOffsetMs: Int64) {
        var h = Harness()
        _ = h.start()
        let now = h.lastBlockTime.adding(milliseconds: nowOffsetMs)
        let out = h.feed(.timeout(Timeout(height: 1, round: 0, step: .propose, duration: 3000), now: now))
        #expect(out.signedVotes.map(\.timestamp) == [h.lastBlockTime.adding(milliseconds: expectedOffsetMs)])
    }

    func commit(_ entries: [(index: Int, seconds: Int64?)], net: Net) -> Commit {
        let signatures = net.set.validators.indices.map { index -> CommitSig in
            guard let seconds = entries.first(where: { $0.index == index })?.seconds else { return .absent }
            return CommitSig(blockIDFlag: .commit, validatorAddress: net.address(index),
                             timestamp: Timestamp(seconds: seconds), signature: [])
        }
        return Commit(height: 1, round: 0, blockID: blockA, signatures: signatures)
    }

    @Test("MedianTime: the CometBFT spec example (powers 23/27/10/10; p1 absent) gives p2's 98")
    func medianTimeSpecExample() throws {
        let net = Net(powers: [23, 27, 10, 10])
        func index(ofPower power: Int64, skipping: Int? = nil) -> Int {
            net.set.validators.indices.first { net.set.validators[$0].votingPower == power && $0 != skipping } ?? -1
        }
        let p1 = index(ofPower: 23), p2 = index(ofPower: 27), p3 = index(ofPower: 10), p4 = index(ofPower: 10, skipping: p3)
        let withoutP1 = commit([(p2, 98), (p3, 1000), (p4, 500)], net: net)
        #expect(MedianTime.of(withoutP1, validators: net.set) == Timestamp(seconds: 98))
        let all = commit([(p1, 100), (p2, 98), (p3, 1000), (p4, 500)], net: net)
        #expect(MedianTime.of(all, validators: net.set) == Timestamp(seconds: 100))
        #expect(MedianTime.of(commit([], net: net), validators: net.set) == nil)
    }

    @Test("MedianTime weighs by power, counts NIL signatures, and skips addresses outside the set")
    func medianTimeWeights() {
        let net = Net(powers: [60, 20, 20])
        var c = commit([(0, 10), (1, 50), (2, 90)], net: net)
        #expect(MedianTime.of(c, validators: net.set) == Timestamp(seconds: 10))  // 60 of 100 at t = 10
        c.signatures[0].blockIDFlag = .nil
        #expect(MedianTime.of(c, validators: net.set) == Timestamp(seconds: 10))
        c.signatures[0].validatorAddress = Address(bytes: Bytes(repeating: 7, count: 20))
        #expect(MedianTime.of(c, validators: net.set) == Timestamp(seconds: 50))  // 20 of 40: the first covers half
    }
}
