import PalisadeCrypto
import PalisadeTypes

/// A header, the commit that decided it, and the validator set of its height: everything needed
/// to check the header and, once it is trusted, to check later ones. CometBFT's `LightBlock`
/// (its `SignedHeader` is the header and commit here).
public struct LightBlock: Sendable, Hashable {
    public var header: Header
    public var commit: Commit
    public var validatorSet: ValidatorSet

    public init(header: Header, commit: Commit, validatorSet: ValidatorSet) {
        self.header = header
        self.commit = commit
        self.validatorSet = validatorSet
    }

    public var height: Int64 { header.height }
    public var time: Timestamp { header.time }
    public var chainID: String { header.chainID }
    public var hash: Bytes { header.hash() }

    /// CometBFT's `SignedHeader.ValidateBasic` plus the set check: a well formed header of
    /// `chainID`, a commit for exactly this header, and the validator set the header names.
    /// Cheap, no signatures: it runs before anything costs a verify.
    public func validateBasic(chainID: String) throws(LightVerificationError) {
        try HeaderShape.check(header)
        try CommitShape.check(commit)
        guard header.chainID == chainID else {
            throw .invalidHeader("header belongs to another chain \(header.chainID.debugDescription), not \(chainID.debugDescription)")
        }
        guard commit.height == header.height else {
            throw .invalidHeader("header and commit height mismatch: \(header.height) vs \(commit.height)")
        }
        let hash = header.hash()
        guard hash == commit.blockID.hash else {
            throw .invalidHeader("commit signs block \(commit.blockID.hash.upperHex), header is block \(hash.upperHex)")
        }
        let setHash = validatorSet.hash()
        guard header.validatorsHash == setHash else {
            throw .invalidHeader("expected new header validators (\(header.validatorsHash.upperHex)) to match "
                                 + "those that were supplied (\(setHash.upperHex)) at height \(height)")
        }
    }
}
