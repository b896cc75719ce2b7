import PalisadeCrypto

/// Why `ValidatorSet.verifyCommit` refused a commit. Index-bearing cases name the position in
/// the commit (and so in the validator set) that failed.
public enum CommitVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A commit has exactly one entry per validator of its height's set.
    case signatureCountMismatch(validators: Int, signatures: Int)
    case heightMismatch(expected: Int64, got: Int64)
    case blockIDMismatch(expected: BlockID, got: BlockID)
    /// The entry at `index` names a different validator than the set holds there.
    case validatorAddressMismatch(index: Int, expected: Address, got: Address)
    /// The signature at `index` does not verify under that validator's key.
    case invalidSignature(index: Int, address: Address)
    /// The COMMIT entries do not add up to more than 2/3 of the total power.
    case insufficientVotingPower(got: Int64, total: Int64)
    /// An extended commit's round differs from the commit it should extend.
    case roundMismatch(expected: Int32, got: Int32)
    /// The COMMIT entry at `index` lacks its extension signature, or it does not verify.
    case invalidExtensionSignature(index: Int, address: Address)

    public var description: String {
        switch self {
        case .signatureCountMismatch(let v, let s): "commit has \(s) signatures for \(v) validators"
        case .heightMismatch(let e, let g): "commit is for height \(g), expected \(e)"
        case .blockIDMismatch(let e, let g): "commit is for block \(g), expected \(e)"
        case .validatorAddressMismatch(let i, let e, let g): "signature #\(i) is from \(g), but validator #\(i) is \(e)"
        case .invalidSignature(let i, let a): "signature #\(i) (validator \(a)) does not verify"
        case .insufficientVotingPower(let got, let total):
            "commit carries \(got) of \(total) voting power, more than 2/3 is needed"
        case .roundMismatch(let e, let g): "extended commit is for round \(g), expected \(e)"
        case .invalidExtensionSignature(let i, let a):
            "extension signature #\(i) (validator \(a)) is missing or does not verify"
        }
    }
}
