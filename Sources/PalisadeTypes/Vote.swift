import PalisadeCrypto

/// A prevote or precommit (paper: ⟨PREVOTE, h, r, id(v)⟩). A zero `blockID` is a vote for nil.
/// `validatorIndex` is the signer's position in the height's validator set; the signature covers
/// the canonical sign bytes only, never the address, index or extension.
public struct Vote: Sendable, Hashable, CustomStringConvertible {
    public var type: VoteType
    public var height: Int64
    public var round: Int32
    public var blockID: BlockID
    public var timestamp: Timestamp
    public var validatorAddress: Address
    public var validatorIndex: Int32
    public var signature: Bytes
    public var `extension`: Bytes
    public var extensionSignature: Bytes

    public init(type: VoteType, height: Int64, round: Int32, blockID: BlockID, timestamp: Timestamp,
                validatorAddress: Address, validatorIndex: Int32, signature: Bytes = [],
                extension: Bytes = [], extensionSignature: Bytes = []) {
        self.type = type
        self.height = height
        self.round = round
        self.blockID = blockID
        self.timestamp = timestamp
        self.validatorAddress = validatorAddress
        self.validatorIndex = validatorIndex
        self.signature = signature
        self.extension = `extension`
        self.extensionSignature = extensionSignature
    }

    public var isNil: Bool { blockID.isZero }

    /// Length-delimited `CanonicalVote`: what a validator signs.
    public func signBytes(chainID: String) -> Bytes {
        CanonicalEncoding.voteSignBytes(chainID: chainID, type: type.signedMsgType, height: height, round: round,
                                        blockID: blockID, timestamp: timestamp)
    }

    public mutating func sign(with key: Ed25519PrivateKey, chainID: String) {
        signature = key.sign(signBytes(chainID: chainID))
    }

    public func verifySignature(chainID: String, publicKey: Ed25519PublicKey) -> Bool {
        publicKey.verify(signature: signature, message: signBytes(chainID: chainID))
    }

    /// Two votes conflict when one validator signed different block IDs at one (height, round, type):
    /// the equivocation that `DuplicateVoteEvidence` proves.
    public func conflicts(with other: Vote) -> Bool {
        type == other.type && height == other.height && round == other.round
            && validatorAddress == other.validatorAddress && blockID != other.blockID
    }

    public var description: String {
        "\(type)(h=\(height) r=\(round) \(blockID) by \(validatorAddress.bytes.upperHex.prefix(8)))"
    }
}
