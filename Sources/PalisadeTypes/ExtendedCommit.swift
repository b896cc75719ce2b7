import PalisadeCrypto

/// What a validator's precommit carried beside the vote itself: its app's ExtendVote bytes and
/// the signature over `CanonicalVoteExtension`. Empty for a validator whose precommit is not in a
/// commit for the block, or before vote extensions are enabled.
public struct VoteExtension: Sendable, Hashable {
    public var data: Bytes
    public var signature: Bytes

    public init(data: Bytes, signature: Bytes) {
        self.data = data
        self.signature = signature
    }

    public static let none = VoteExtension(data: [], signature: [])

    /// The extension a precommit carries.
    public init(of vote: Vote) {
        self.init(data: vote.extension, signature: vote.extensionSignature)
    }
}

/// CometBFT's `ExtendedCommit`: a commit with each validator's vote extension, `extensions[i]`
/// belonging to `commit.signatures[i]`. Only the node that saw the precommits has it; the block
/// carries the plain commit, and the next proposer hands the extensions to PrepareProposal.
public struct ExtendedCommit: Sendable, Hashable {
    public var commit: Commit
    public var extensions: [VoteExtension]

    /// Nil when the lists do not line up, or an entry that is not COMMIT carries an extension
    /// (only a precommit for the block can).
    public init?(commit: Commit, extensions: [VoteExtension]) {
        guard extensions.count == commit.signatures.count,
              zip(commit.signatures, extensions).allSatisfy({ $0.blockIDFlag == .commit || $1 == .none })
        else { return nil }
        self.commit = commit
        self.extensions = extensions
    }

    /// The commit with no extensions at all: what a height before the enable height has.
    public init(withoutExtensions commit: Commit) {
        self.commit = commit
        self.extensions = Array(repeating: .none, count: commit.signatures.count)
    }
}
