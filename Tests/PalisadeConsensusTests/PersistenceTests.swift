import PalisadeConsensus
import PalisadeTypes
import Testing

/// The WAL contract (ARCHITECTURE §5): `.persist(input)` first for every input that changes state,
/// `[]` for every other, and replaying the persisted inputs rebuilds the same state.
@Suite("Persistence and replay")
struct PersistenceTests {
    @Test("Every non-empty output starts with .persist of exactly its input, once",
          arguments: [Set<Int>(), [2]])
    func persistFirst(silent: Set<Int>) {
        var cluster = Cluster(powers: [10, 10, 10, 10], maxHeight: 3)
        cluster.silent = silent
        cluster.lostProposals = [[2, 0]]
        cluster.run()
        #expect(cluster.allDecided)
        for node in cluster.nodes.indices {
            for (input, out) in zip(cluster.wals[node], cluster.outputs[node]) {
                #expect(out.first == .persist(input))
                #expect(out.persisted.count == 1)
            }
        }
    }

    @Test("Agreement and replay: a fresh ConsensusState fed a node's WAL reaches an equal state with equal directives",
          arguments: [Set<Int>(), [1]])
    func replay(silent: Set<Int>) {
        var cluster = Cluster(powers: [10, 20, 30, 40], maxHeight: 4)
        cluster.silent = silent
        cluster.lostProposals = [[2, 0], [3, 0], [3, 1]]
        cluster.run()
        #expect(cluster.allDecided)
        let live = cluster.nodes.indices.filter { !silent.contains($0) }
        for height in Int64(1)...4 {
            let blocks = Set(live.compactMap { cluster.decided[$0][height]?.blockID })
            #expect(blocks.count == 1, "height \(height)")
        }
        #expect((cluster.decided[live[0]][3]?.round ?? 0) >= 2)  // two lost proposals: round 2 at the earliest
        #expect(cluster.evidence.isEmpty)
        for node in live {
            let original = cluster.nodes[node]
            var fresh = ConsensusState(chainID: original.chainID, validatorAddress: original.validatorAddress,
                                       config: original.config)
            let replayed = cluster.wals[node].map { fresh.handle($0) }
            #expect(fresh == original)
            #expect(replayed == cluster.outputs[node])
        }
    }

    @Test("Inputs that change nothing yield []")
    func noChangeNoPersist() {
        var h = Harness()
        _ = h.start()
        _ = h.propose(round: 0, blockA)
        _ = h.prevotes(blockA, round: 0, from: [h.others[0]])
        let before = h.state
        let unchanged: [Input] = [
            .startHeight(HeightStart(height: 1, validators: h.net.set, lastBlockTime: h.lastBlockTime, now: h.now)),
            .proposal(h.proposal(round: 0, blockA), now: h.now),
            .proposalValidity(height: 1, round: 0, blockID: blockA, valid: false, now: h.now),
            .proposalValue(height: 1, round: 0, blockID: blockB, now: h.now),
            .vote(h.vote(.prevote, blockA, round: 0, from: h.others[0]), now: h.now),
            .vote(h.vote(.prevote, blockA, round: 0, from: h.others[1], height: 3), now: h.now),
            .timeout(Timeout(height: 1, round: 0, step: .propose, duration: 3000), now: h.now),  // step is prevote now
            .timeout(Timeout(height: 1, round: 5, step: .precommit, duration: 1000), now: h.now),
        ]
        for input in unchanged { #expect(h.feed(input).isEmpty, "\(input)") }
        #expect(h.state == before)
    }

    @Test("An observer (no validator address) follows and decides without signing anything")
    func observerFollows() {
        var h = Harness(me: .observer)
        let start = h.start()
        #expect(start.proposalRequests.isEmpty)
        var out = h.propose(round: 0, blockA)
        out += h.prevotes(blockA, round: 0, from: h.others)
        out += h.precommits(blockA, round: 0, from: h.others)
        #expect(out.signedVotes.isEmpty && out.signedProposals.isEmpty)
        #expect(out.decisions.map(\.blockID) == [blockA])
    }
}

@Suite("Scale")
struct ScaleTests {
    @Test("100 validators with uneven stake agree on three heights, one proposal lost (tallies stay O(1) per vote)")
    func hundredValidators() {
        let powers = (0..<100).map { Int64(1 + $0 % 7) }
        var cluster = Cluster(powers: powers, maxHeight: 3)
        cluster.lostProposals = [[2, 0]]
        cluster.run(inputLimit: 400_000)
        #expect(cluster.allDecided)
        for height in Int64(1)...3 {
            #expect(Set(cluster.nodes.indices.compactMap { cluster.decided[$0][height]?.blockID }).count == 1)
        }
    }
}
