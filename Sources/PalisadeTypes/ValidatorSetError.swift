import PalisadeCrypto

/// Why a change to a validator set (or a new set) was refused. The cases are CometBFT's
/// `UpdateWithChangeSet` errors; the set is left unchanged when one is thrown.
public enum ValidatorSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The same address appears twice in one change set.
    case duplicateValidator(Address)
    case negativeVotingPower(Address, Int64)
    /// One validator's power alone exceeds `ValidatorSet.maxTotalVotingPower`.
    case votingPowerTooHigh(Address, Int64)
    /// A new set cannot contain a validator of power 0 (only an update may remove one).
    case zeroVotingPower(Address)
    /// A power-0 entry names a validator that is not in the set.
    case removingUnknownValidator(Address)
    /// The changes would leave no validators.
    case emptySet
    /// The resulting total would exceed `ValidatorSet.maxTotalVotingPower`.
    case totalVotingPowerTooHigh

    public var description: String {
        switch self {
        case .duplicateValidator(let a): "duplicate entry for validator \(a) in the change set"
        case .negativeVotingPower(let a, let p): "validator \(a): voting power can't be negative (\(p))"
        case .votingPowerTooHigh(let a, let p):
            "validator \(a): voting power \(p) exceeds the maximum \(ValidatorSet.maxTotalVotingPower)"
        case .zeroVotingPower(let a): "validator \(a): a new validator set cannot have voting power 0"
        case .removingUnknownValidator(let a): "cannot remove validator \(a): not in the set"
        case .emptySet: "applying the validator changes would result in an empty set"
        case .totalVotingPowerTooHigh:
            "total voting power of the resulting set exceeds the maximum \(ValidatorSet.maxTotalVotingPower)"
        }
    }
}
