import PalisadeCrypto

extension ValidatorSet {
    /// CometBFT's `ValidatorSetFromExistingValidators`: a set as another node holds it, each
    /// validator's `ProposerPriority` kept and no proposer round run; the proposer is the one
    /// with the most priority. State sync needs this: the sets it adopts come from RPC with
    /// their priorities, and recomputing those from powers alone would pick different proposers
    /// than the rest of the network. The list may come in any order; it is put in set order.
    public init(existingValidators: [Validator]) throws(ValidatorSetError) {
        guard !existingValidators.isEmpty else { throw .emptySet }
        var seen = Set<Address>()
        var total: Int64 = 0
        for v in existingValidators {
            guard seen.insert(v.address).inserted else { throw .duplicateValidator(v.address) }
            guard v.votingPower > 0 else {
                throw v.votingPower == 0 ? .zeroVotingPower(v.address) : .negativeVotingPower(v.address, v.votingPower)
            }
            guard v.votingPower <= Self.maxTotalVotingPower else { throw .votingPowerTooHigh(v.address, v.votingPower) }
            // Both terms are at most the cap, so the sum cannot overflow before the check.
            guard total + v.votingPower <= Self.maxTotalVotingPower else { throw .totalVotingPowerTooHigh }
            total += v.votingPower
        }
        self.init(sortedValidators: existingValidators.sorted(by: Validator.setOrder), proposerIndex: nil)
        setProposer(index: indexWithMostPriority() ?? 0)
    }
}

extension ValidatorSet {
    /// The same set with `address` as the current proposer, or nil if it is not a member. State
    /// sync learns a height's round-0 proposer from that height's header (when the height was
    /// decided in round 0), which the priorities alone cannot say: the proposer's priority has
    /// already had the total power taken off when the set is stored.
    public func withProposer(_ address: Address) -> ValidatorSet? {
        guard let index = index(of: address) else { return nil }
        var copy = self
        copy.setProposer(index: index)
        return copy
    }
}
