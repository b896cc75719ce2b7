import PalisadeCrypto

/// ⟨PROPOSAL, h, r, v, vr⟩. The block itself travels as parts; the proposal names it by `blockID`.
/// `polRound` is the paper's `validRound` (vr): −1 for a fresh value, else the round of the polka
/// that made the proposer re-propose it.
public struct Proposal: Sendable, Hashable, CustomStringConvertible {
    public var height: Int64
    public var round: Int32
    public var polRound: Int32
    public var blockID: BlockID
    public var timestamp: Timestamp
    public var signature: Bytes

    public init(height: Int64, round: Int32, polRound: Int32, blockID: BlockID, timestamp: Timestamp, signature: Bytes = []) {
        self.height = height
        self.round = round
        self.polRound = polRound
        self.blockID = blockID
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Length-delimited `CanonicalProposal`: what the proposer signs.
    public func signBytes(chainID: String) -> Bytes {
        CanonicalEncoding.proposalSignBytes(chainID: chainID, height: height, round: round, polRound: polRound,
                                            blockID: blockID, timestamp: timestamp)
    }

    public mutating func sign(with key: Ed25519PrivateKey, chainID: String) {
        signature = key.sign(signBytes(chainID: chainID))
    }

    public func verifySignature(chainID: String, publicKey: Ed25519PublicKey) -> Bool {
        publicKey.verify(signature: signature, message: signBytes(chainID: chainID))
    }

    public var description: String { "Proposal(h=\(height) r=\(round) pol=\(polRound) \(blockID))" }
}
