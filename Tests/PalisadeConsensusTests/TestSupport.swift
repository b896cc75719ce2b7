import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes

/// A block named by a letter, with a well-formed (complete) block ID.
func block(_ name: String) -> BlockID {
    BlockID(hash: SHA256Hash.digest(Array(name.utf8)),
            partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(Array("parts of \(name)".utf8))))
}

let blockA = block("A")
let blockB = block("B")
/// Nil in a vote.
let nilBlock = BlockID.zero

/// A validator set from deterministic keys: validator `i` of `powers` has seed [i+1, i+1, …].
struct Net {
    let set: ValidatorSet

    init(powers: [Int64]) {
        let validators = powers.enumerated().compactMap { index, power -> Validator? in
            guard let key = Ed25519PrivateKey(seed: Bytes(repeating: UInt8(index + 1), count: 32)) else { return nil }
            return Validator(publicKey: key.publicKey, votingPower: power)
        }
        do { set = try ValidatorSet(validators: validators) } catch { preconditionFailure("test validator set: \(error)") }
    }

    /// The set index of the proposer of `round`.
    func proposerIndex(round: Int32) -> Int {
        let address = set.copyIncrementingProposerPriority(times: Int(round)).proposer?.address
        return set.validators.firstIndex { $0.address == address } ?? -1
    }

    func address(_ index: Int) -> Address { set.validators[index].address }
}

/// One process under test, fed inputs by hand. Rows in the rule tables drive it through a
/// scenario and look at the directives of the last step.
struct Harness {
    enum Me {
        /// Validator that proposes `round` (and, with equal powers, none of the three before it).
        case proposer(ofRound: Int32)
        case index(Int)
        /// A node that follows without voting.
        case observer
    }

    let net: Net
    let me: Int?
    var state: ConsensusState
    /// Every input `handle` asked to persist, in order: the WAL.
    var wal: [Input] = []
    var height: Int64 = 1
    var now = Timestamp(seconds: 1_700_000_000)
    var lastBlockTime = Timestamp(seconds: 1_699_999_999)

    init(powers: [Int64] = [10, 10, 10, 10], me: Me = .proposer(ofRound: 3), bufferLimit: Int = 64) {
        let net = Net(powers: powers)
        let index: Int? = switch me {
        case .proposer(let round): net.proposerIndex(round: round)
        case .index(let index): index
        case .observer: nil
        }
        self.net = net
        self.me = index
        state = ConsensusState(chainID: "test-chain", validatorAddress: index.map { net.address($0) },
                               config: TimeoutConfig(), futureHeightBufferLimit: bufferLimit)
    }

    /// Validators other than us, in set order.
    var others: [Int] { net.set.validators.indices.filter { $0 != me } }

    mutating func feed(_ input: Input) -> [Directive] {
        now = now.adding(milliseconds: 1)
        let out = state.handle(input)
        if case .persist(let persisted)? = out.first { wal.append(persisted) }
        return out
    }

    mutating func start(height: Int64 = 1) -> [Directive] {
        self.height = height
        return feed(.startHeight(HeightStart(height: height, validators: net.set, lastBlockTime: lastBlockTime, now: now)))
    }

    func proposal(round: Int32, _ blockID: BlockID, pol: Int32 = -1, height: Int64? = nil) -> Proposal {
        Proposal(height: height ?? self.height, round: round, polRound: pol, blockID: blockID, timestamp: now)
    }

    /// A proposal, then (unless `valid` is nil) the app's verdict on its block: the directives of both.
    mutating func propose(round: Int32, _ blockID: BlockID, pol: Int32 = -1, valid: Bool? = true) -> [Directive] {
        var out = feed(.proposal(proposal(round: round, blockID, pol: pol), now: now))
        if let valid { out += validity(round: round, blockID, valid) }
        return out
    }

    mutating func validity(round: Int32, _ blockID: BlockID, _ valid: Bool) -> [Directive] {
        feed(.proposalValidity(height: height, round: round, blockID: blockID, valid: valid, now: now))
    }

    func vote(_ type: VoteType, _ blockID: BlockID, round: Int32, from index: Int, height: Int64? = nil) -> Vote {
        Vote(type: type, height: height ?? self.height, round: round, blockID: blockID, timestamp: now,
             validatorAddress: net.address(index), validatorIndex: Int32(index))
    }

    mutating func votes(_ type: VoteType, _ blockID: BlockID, round: Int32, from indices: [Int]) -> [Directive] {
        indices.flatMap { feed(.vote(vote(type, blockID, round: round, from: $0), now: now)) }
    }

    mutating func prevotes(_ blockID: BlockID, round: Int32, from indices: [Int]) -> [Directive] {
        votes(.prevote, blockID, round: round, from: indices)
    }

    mutating func precommits(_ blockID: BlockID, round: Int32, from indices: [Int]) -> [Directive] {
        votes(.precommit, blockID, round: round, from: indices)
    }

    mutating func timeout(_ step: Step, round: Int32, height: Int64? = nil) -> [Directive] {
        let timeout = Timeout(height: height ?? self.height, round: round, step: step,
                              duration: state.config.duration(step, round: round))
        return feed(.timeout(timeout, now: now))
    }

    /// Locks on `blockID` in `round` through L36 (proposal, our prevote, a polka from the others),
    /// then leaves the round through L65.
    mutating func lock(on blockID: BlockID, round: Int32) {
        _ = propose(round: round, blockID)
        _ = prevotes(blockID, round: round, from: others)
        _ = timeout(.precommit, round: round)
    }

    /// Moves from the current round to `round` through precommit timeouts (L65).
    mutating func advance(to round: Int32) {
        while state.round < round { _ = timeout(.precommit, round: state.round) }
    }
}

extension [Directive] {
    var signedVotes: [Vote] {
        compactMap { if case .signVote(let vote) = $0 { vote } else { nil } }
    }

    var prevoted: [BlockID] { signedVotes.filter { $0.type == .prevote }.map(\.blockID) }
    var precommitted: [BlockID] { signedVotes.filter { $0.type == .precommit }.map(\.blockID) }

    var signedProposals: [Proposal] {
        compactMap { if case .signProposal(let proposal) = $0 { proposal } else { nil } }
    }

    var timeouts: [Timeout] {
        compactMap { if case .scheduleTimeout(let timeout) = $0 { timeout } else { nil } }
    }

    var decisions: [Decision] {
        compactMap { if case .decide(let decision) = $0 { decision } else { nil } }
    }

    var duplicateVotes: [(first: Vote, second: Vote)] {
        compactMap { if case .duplicateVote(let first, let second) = $0 { (first, second) } else { nil } }
    }

    var proposalRequests: [(height: Int64, round: Int32)] {
        compactMap { if case .requestProposal(let height, let round) = $0 { (height, round) } else { nil } }
    }

    var persisted: [Input] {
        compactMap { if case .persist(let input) = $0 { input } else { nil } }
    }
}

extension Directive {
    var persistedInput: Input? { if case .persist(let input) = self { input } else { nil } }
}

extension Input {
    var vote: Vote? { if case .vote(let vote, _) = self { vote } else { nil } }
}
