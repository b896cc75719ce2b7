import PalisadeCrypto

/// One validator's entry in a commit, at the validator's index in the set: its precommit
/// reduced to what cannot be rebuilt from the commit itself (flag, address, time, signature).
public struct CommitSig: Sendable, Hashable, CustomStringConvertible {
    public var blockIDFlag: BlockIDFlag
    public var validatorAddress: Address
    public var timestamp: Timestamp
    public var signature: Bytes

    public init(blockIDFlag: BlockIDFlag, validatorAddress: Address, timestamp: Timestamp, signature: Bytes) {
        self.blockIDFlag = blockIDFlag
        self.validatorAddress = validatorAddress
        self.timestamp = timestamp
        self.signature = signature
    }

    /// No precommit: empty address and signature, and Go's zero time, which is what CometBFT's
    /// `NewCommitSigAbsent` holds and what its protobuf (and so the commit hash) carries.
    public static let absent = CommitSig(blockIDFlag: .absent, validatorAddress: Address(bytes: []),
                                         timestamp: .goZero, signature: [])

    public var isAbsent: Bool { blockIDFlag == .absent }

    /// The block ID this validator signed: the commit's for COMMIT, zero (nil) otherwise.
    public func blockID(commitBlockID: BlockID) -> BlockID {
        blockIDFlag == .commit ? commitBlockID : .zero
    }

    public var description: String {
        isAbsent ? "CommitSig(ABSENT)" : "CommitSig(\(blockIDFlag) by \(validatorAddress.bytes.upperHex.prefix(8)) at \(timestamp))"
    }
}
