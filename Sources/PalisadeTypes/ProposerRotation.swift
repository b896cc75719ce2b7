import PalisadeCrypto

/// The proposers of one height's rounds, each computed once. `proposer(round: r)` is the
/// proposer of `validators.copyIncrementingProposerPriority(times: r)` (what the core uses), but
/// where that costs O(validators × r) on every call, this keeps the set it stepped to and the
/// proposers it found: all rounds up to r cost O(validators × r) once per height. A shell that
/// must find the proposer of a round far ahead before it can check a proposal's signature (the
/// signer is known only as "the proposer") then spends that work once, not once per message.
public struct ProposerRotation: Sendable {
    /// The set at round 0, as given.
    public let validators: ValidatorSet
    /// `validators` rescaled and centred once, then stepped `later.count` rounds.
    private var stepped: ValidatorSet
    /// Round 0's proposer is the set's own; `later[i]` is round i + 1's.
    private var later: [Address] = []
    /// Rounds of selection run so far, for tests counting the work.
    public private(set) var steps = 0

    public init(_ validators: ValidatorSet) {
        self.validators = validators
        var prepared = validators
        if !validators.validators.isEmpty {
            // `incrementProposerPriority(times:)` does this once before its rounds.
            prepared.rescalePriorities(diffMax: ValidatorSet.priorityWindowSizeFactor * validators.totalVotingPower)
            prepared.shiftByAveragePriority()
        }
        stepped = prepared
    }

    /// The proposer of `round`; nil for a negative round or an empty set.
    public mutating func proposer(round: Int32) -> Address? {
        guard round > 0 else { return round == 0 ? validators.proposer?.address : nil }
        guard !stepped.validators.isEmpty else { return nil }
        let wanted = Int(round)
        while later.count < wanted {
            let chosen = stepped.incrementProposerPriorityOnce()
            steps += 1
            later.append(stepped.validators[chosen].address)
        }
        return later[wanted - 1]
    }
}
