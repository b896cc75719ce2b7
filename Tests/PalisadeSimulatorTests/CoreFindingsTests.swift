import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes
import Testing

/// Minimal reproductions, at the level of one `ConsensusState`, of what the simulator's
/// Byzantine campaigns found (both fixed in the core; kept as regression tests). Each follows the paper (arXiv 1807.04938): rules read "a message in
/// the message log", so a Byzantine validator's second, conflicting message is in the log too.
@Suite("Core findings from the simulator")
struct CoreFindingsTests {
    static let chainID = "findings"

    struct Fixture {
        var keys: [Ed25519PrivateKey]
        var set: ValidatorSet

        init() throws {
            keys = try (1...4).map { try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8($0), count: 32))) }
            set = try ValidatorSet(validators: keys.map { Validator(publicKey: $0.publicKey, votingPower: 1) })
        }

        var proposerKey: Ed25519PrivateKey {
            keys.first { $0.publicKey.address == set.proposer?.address } ?? keys[0]
        }

        /// Validators other than the round-0 proposer, in key order.
        var others: [Ed25519PrivateKey] { keys.filter { $0.publicKey.address != set.proposer?.address } }

        func block(_ tag: UInt8) -> BlockID {
            let hash = SHA256Hash.digest([tag])
            return BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(hash)))
        }

        func proposal(_ block: BlockID) -> Proposal {
            var proposal = Proposal(height: 1, round: 0, polRound: -1, blockID: block, timestamp: Timestamp(seconds: 100))
            proposal.sign(with: proposerKey, chainID: CoreFindingsTests.chainID)
            return proposal
        }

        func vote(_ type: VoteType, _ block: BlockID, by key: Ed25519PrivateKey) -> Vote {
            let index = set.index(of: key.publicKey.address) ?? -1
            var vote = Vote(type: type, height: 1, round: 0, blockID: block, timestamp: Timestamp(seconds: 101),
                            validatorAddress: key.publicKey.address, validatorIndex: Int32(index))
            vote.sign(with: key, chainID: CoreFindingsTests.chainID)
            return vote
        }

        func core(for key: Ed25519PrivateKey) -> ConsensusState {
            var core = ConsensusState(chainID: CoreFindingsTests.chainID, validatorAddress: key.publicKey.address,
                                      config: TimeoutConfig())
            _ = core.handle(.startHeight(HeightStart(height: 1, validators: set, lastBlockTime: Timestamp(seconds: 90),
                                                     now: Timestamp(seconds: 100))))
            return core
        }
    }

    static let now = Timestamp(seconds: 102)

    /// Equivocating proposer: we hold its proposal for A, the others decided its proposal for B.
    /// L49 needs "⟨PROPOSAL, h, r, v, ∗⟩ from proposer(h, r)" for the v with +2/3 precommits; a
    /// core that kept only the first proposal of a round never decided, and since the others
    /// had left the height, it was stuck there (simulator: `--scenario byzantine`).
    @Test("a decision is reached on the proposal matching +2/3 precommits, even if it came second")
    func decidesOnSecondProposal() throws {
        let f = try Fixture()
        let me = f.others[0]
        var core = f.core(for: me)
        let a = f.block(0xA), b = f.block(0xB)
        _ = core.handle(.proposal(f.proposal(a), now: Self.now))
        _ = core.handle(.proposalValidity(height: 1, round: 0, blockID: a, valid: true, now: Self.now))
        _ = core.handle(.proposal(f.proposal(b), now: Self.now))
        _ = core.handle(.proposalValidity(height: 1, round: 0, blockID: b, valid: true, now: Self.now))
        var directives: [Directive] = []
        for key in [f.proposerKey, f.others[1], f.others[2]] {
            directives += core.handle(.vote(f.vote(.precommit, b, by: key), now: Self.now))
        }
        #expect(directives.contains { if case .decide(let d) = $0 { d.blockID == b } else { false } })
    }

    /// Equivocating voter: Z prevotes B (seen first) and A. The log holds prevotes for A from
    /// me, P and Z: 3 of 4 is a polka, so L36 locks A and precommits it. Counting only a
    /// validator's first vote hides the polka from some correct nodes but not from others, so
    /// after GST they no longer agree on which polkas exist; a validator locked on such a
    /// polka can then block every later round (simulator: `--scenario mixed`).
    @Test("a conflicting prevote still counts toward the polka of the value it names")
    func equivocatedPrevoteCountsForPolka() throws {
        let f = try Fixture()
        let me = f.others[0], byzantine = f.others[1]
        var core = f.core(for: me)
        let a = f.block(0xA), b = f.block(0xB)
        _ = core.handle(.proposal(f.proposal(a), now: Self.now))
        _ = core.handle(.proposalValidity(height: 1, round: 0, blockID: a, valid: true, now: Self.now))
        _ = core.handle(.vote(f.vote(.prevote, a, by: me), now: Self.now))
        var directives: [Directive] = []
        directives += core.handle(.vote(f.vote(.prevote, b, by: byzantine), now: Self.now))
        directives += core.handle(.vote(f.vote(.prevote, a, by: f.proposerKey), now: Self.now))
        directives += core.handle(.vote(f.vote(.prevote, a, by: byzantine), now: Self.now))
        #expect(directives.contains { if case .duplicateVote = $0 { true } else { false } })
        #expect(directives.contains { if case .signVote(let v) = $0 { v.type == .precommit && v.blockID == a } else { false } })
    }
}
