import PalisadeTypes

/// What the checker needs to know about a run, recorded as it happens. Everything is keyed by
/// validator index; the simulation records only what honest validators did (plus the
/// proposals every proposer signed, which validity needs). Tests fill it by hand to prove the
/// checker catches violations.
public struct Observations: Sendable {
    public struct VoteSlot: Hashable, Sendable {
        public var validator: Int
        public var height: Int64
        public var round: Int32
        public var type: VoteType

        public init(validator: Int, height: Int64, round: Int32, type: VoteType) {
            self.validator = validator
            self.height = height
            self.round = round
            self.type = type
        }
    }

    public struct Decided: Sendable, Hashable {
        public var round: Int32
        public var block: BlockID
        public var time: SimTime
    }

    struct ProposalSlot: Hashable {
        var validator: Int
        var height: Int64
        var round: Int32
        var block: BlockID
    }

    struct Received: Hashable {
        var receiver: Int
        var slot: VoteSlot
    }

    /// decisions[validator][height]
    public private(set) var decisions: [Int: [Int64: Decided]] = [:]
    /// A validator decided one height twice with different blocks (seen at record time).
    private(set) var selfForks: [Violation] = []
    private var honestVotes: [VoteSlot: BlockID] = [:]
    private(set) var doubleSigns: [Violation] = []
    private var proposals: Set<ProposalSlot> = []
    private var firstReceived: [Received: BlockID] = [:]
    private(set) var equivocationsReceived: Set<Received> = []
    private var evidence: Set<Received> = []
    private(set) var signerRefusals: [Violation] = []
    private(set) var halts: [Violation] = []

    public init() {}

    public mutating func recordDecision(validator: Int, height: Int64, round: Int32, block: BlockID, time: SimTime) {
        if let earlier = decisions[validator]?[height] {
            if earlier.block != block {
                selfForks.append(.agreement(height: height, first: validator, firstBlock: earlier.block,
                                            second: validator, secondBlock: block))
            }
            return
        }
        decisions[validator, default: [:]][height] = Decided(round: round, block: block, time: time)
    }

    /// A vote an honest validator's signer released.
    public mutating func recordHonestVote(validator: Int, _ vote: Vote) {
        let slot = VoteSlot(validator: validator, height: vote.height, round: vote.round, type: vote.type)
        if let earlier = honestVotes[slot] {
            if earlier != vote.blockID {
                doubleSigns.append(.doubleSign(validator: validator, height: vote.height, round: vote.round,
                                               type: vote.type, first: earlier, second: vote.blockID))
            }
        } else {
            honestVotes[slot] = vote.blockID
        }
    }

    /// A proposal signed by `validator` (honest or not) and sent to at least one node.
    public mutating func recordProposal(validator: Int, _ proposal: Proposal) {
        proposals.insert(ProposalSlot(validator: validator, height: proposal.height, round: proposal.round,
                                      block: proposal.blockID))
    }

    /// A vote by `signer` handed to honest `receiver`'s core.
    public mutating func recordReceivedVote(receiver: Int, signer: Int, _ vote: Vote) {
        let key = Received(receiver: receiver,
                           slot: VoteSlot(validator: signer, height: vote.height, round: vote.round, type: vote.type))
        if let first = firstReceived[key] {
            if first != vote.blockID { equivocationsReceived.insert(key) }
        } else {
            firstReceived[key] = vote.blockID
        }
    }

    /// A `.duplicateVote` that honest `receiver`'s core emitted.
    public mutating func recordEvidence(receiver: Int, signer: Int, _ vote: Vote) {
        recordEvidence(receiver: receiver,
                       slot: VoteSlot(validator: signer, height: vote.height, round: vote.round, type: vote.type))
    }

    public mutating func recordEvidence(receiver: Int, slot: VoteSlot) {
        evidence.insert(Received(receiver: receiver, slot: slot))
    }

    /// An honest validator's runtime stopped with an error (a `NodeError`: it halted).
    public mutating func recordHalt(validator: Int, reason: String) {
        halts.append(.halted(validator: validator, reason: reason))
    }

    public mutating func recordSignerRefusal(validator: Int, detail: String) {
        signerRefusals.append(.signerRefused(validator: validator, detail: detail))
    }

    func hasProposal(validator: Int, height: Int64, round: Int32, block: BlockID) -> Bool {
        proposals.contains(ProposalSlot(validator: validator, height: height, round: round, block: block))
    }

    func hasEvidence(_ key: Received) -> Bool { evidence.contains(key) }

    /// Highest height `validator` decided, 0 if none.
    public func decidedHeight(_ validator: Int) -> Int64 { decisions[validator]?.keys.max() ?? 0 }
}
