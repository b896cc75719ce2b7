import PalisadeCrypto

/// The certificate that a block is decided: +2/3 of the voting power precommitted `blockID` in
/// `round`. It carries one `CommitSig` per validator in set order, so each signature's signer is
/// the validator at the same index, and each sign bytes can be rebuilt (`voteSignBytes`).
/// The next block carries it as `LastCommit`; its `hash()` is that header's `last_commit_hash`.
public struct Commit: Sendable, Hashable, CustomStringConvertible {
    public var height: Int64
    public var round: Int32
    public var blockID: BlockID
    public var signatures: [CommitSig]

    public init(height: Int64, round: Int32, blockID: BlockID, signatures: [CommitSig]) {
        self.height = height
        self.round = round
        self.blockID = blockID
        self.signatures = signatures
    }

    /// The commit a chain's first block carries as `LastCommit`: height 0, nothing signed.
    public static let empty = Commit(height: 0, round: 0, blockID: .zero, signatures: [])

    /// The precommit validator `index` signed, rebuilt (CometBFT's `GetVote`); `nil` when out of range.
    public func vote(at index: Int) -> Vote? {
        guard signatures.indices.contains(index), let validatorIndex = Int32(exactly: index) else { return nil }
        let sig = signatures[index]
        return Vote(type: .precommit, height: height, round: round, blockID: sig.blockID(commitBlockID: blockID),
                    timestamp: sig.timestamp, validatorAddress: sig.validatorAddress,
                    validatorIndex: validatorIndex, signature: sig.signature)
    }

    /// What validator `index` signed: a precommit at this height and round, for the commit's
    /// block (COMMIT) or for nil (NIL), at the `CommitSig`'s time. `nil` when out of range.
    public func voteSignBytes(chainID: String, index: Int) -> Bytes? {
        guard signatures.indices.contains(index) else { return nil }
        let sig = signatures[index]
        return CanonicalEncoding.voteSignBytes(chainID: chainID, type: .precommit, height: height, round: round,
                                               blockID: sig.blockID(commitBlockID: blockID), timestamp: sig.timestamp)
    }

    /// CometBFT's `Commit.Hash`: RFC 6962 merkle root over each `CommitSig`'s protobuf bytes.
    public func hash() -> Bytes {
        Merkle.root(signatures.map { CanonicalEncoding.encode($0.proto) })
    }

    public var description: String {
        let signed = signatures.count(where: { !$0.isAbsent })
        return "Commit(h=\(height) r=\(round) \(blockID) \(signed)/\(signatures.count) signed)"
    }
}
