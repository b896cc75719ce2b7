import PalisadeCrypto

extension ValidatorSet {
    /// An extended commit a peer sent for a block whose commit `verified` already proved (block
    /// sync, CometBFT v0.38's `BlockResponse.ext_commit`): it must be for the same height, round
    /// and block; its own commit must verify against this set (`verifyCommit`: every non-absent
    /// entry's vote signature, +2/3); and every COMMIT entry must carry an extension signature
    /// that verifies over `CanonicalVoteExtension` under that validator's key. The extensions are
    /// not put to the app (CometBFT does not either: the block is decided, and they are only
    /// handed to our next PrepareProposal).
    public func verifyExtendedCommit(chainID: String, _ extended: ExtendedCommit,
                                     matching verified: Commit) throws(CommitVerificationError) {
        guard extended.commit.round == verified.round else {
            throw .roundMismatch(expected: verified.round, got: extended.commit.round)
        }
        try verifyCommit(chainID: chainID, blockID: verified.blockID, height: verified.height, commit: extended.commit)
        for (index, sig) in extended.commit.signatures.enumerated() where sig.blockIDFlag == .commit {
            // In range: `verifyCommit` checked one entry per validator, and the lists line up.
            let validator = validators[index]
            guard var vote = extended.commit.vote(at: index) else {
                throw .invalidExtensionSignature(index: index, address: validator.address)
            }
            vote.extension = extended.extensions[index].data
            vote.extensionSignature = extended.extensions[index].signature
            guard !vote.extensionSignature.isEmpty,
                  vote.verifyExtensionSignature(chainID: chainID, publicKey: validator.publicKey) else {
                throw .invalidExtensionSignature(index: index, address: validator.address)
            }
        }
    }
}
