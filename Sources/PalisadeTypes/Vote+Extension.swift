import PalisadeCrypto

/// Vote extensions (ABCI 2.0, CometBFT v0.38): from the height `abci.vote_extensions_enable_height`
/// names, a validator's precommit for a block carries bytes its app returned from ExtendVote and a
/// second signature over `CanonicalVoteExtension`. The vote's own signature never covers them, so
/// the extension signature is what ties them to the validator.
extension Vote {
    /// Only a precommit for a block carries an extension; prevotes and nil precommits never do.
    public var isExtendable: Bool { type == .precommit && !isNil }

    /// Whether the vote carries any extension bytes or extension signature at all.
    public var hasExtensionData: Bool { !`extension`.isEmpty || !extensionSignature.isEmpty }

    /// Length-delimited `CanonicalVoteExtension`: what the extension signature covers.
    public func extensionSignBytes(chainID: String) -> Bytes {
        CanonicalEncoding.voteExtensionSignBytes(chainID: chainID, extension: `extension`, height: height,
                                                 round: round)
    }

    /// Signs the extension as it stands (an empty extension is signed too, as CometBFT does).
    public mutating func signExtension(with key: Ed25519PrivateKey, chainID: String) {
        extensionSignature = key.sign(extensionSignBytes(chainID: chainID))
    }

    public func verifyExtensionSignature(chainID: String, publicKey: Ed25519PublicKey) -> Bool {
        publicKey.verify(signature: extensionSignature, message: extensionSignBytes(chainID: chainID))
    }
}

extension ConsensusParams.ABCI {
    /// CometBFT's `VoteExtensionsEnabled(h)`: 0 means never; otherwise from the enable height on.
    /// Once the enable height is reached it can no longer move (`ParamsUpdateCheck`), so the
    /// parameters of any later height answer correctly for every earlier one too.
    public func voteExtensionsEnabled(at height: Int64) -> Bool {
        voteExtensionsEnableHeight > 0 && height >= voteExtensionsEnableHeight
    }
}
