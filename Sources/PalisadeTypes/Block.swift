import PalisadeCrypto

/// A proposed value v of the paper, made concrete: the header, the transactions, the evidence of
/// misbehaviour to punish, and the precommits that committed the previous block. It is signed
/// through its ID (`blockID`), which commits to the header hash and to the exact bytes gossiped.
public struct Block: Sendable, Hashable {
    public var header: Header
    public var data: BlockData
    public var evidence: [Evidence]
    /// The +2/3 precommits for the previous block. CometBFT always sends one; at the initial
    /// height it is the empty commit.
    public var lastCommit: Commit?

    public init(header: Header, data: BlockData = BlockData(), evidence: [Evidence] = [],
                lastCommit: Commit?) {
        self.header = header
        self.data = data
        self.evidence = evidence
        self.lastCommit = lastCommit
    }

    /// Sets the header hashes that summarise the body (CometBFT's `fillHeader`): data, evidence and
    /// last commit. A proposer calls this after assembling the block and before taking its ID.
    public mutating func fillHeaderHashes() {
        header.dataHash = data.hash()
        header.evidenceHash = EvidenceList.hash(evidence)
        header.lastCommitHash = lastCommit?.hash() ?? SHA256Hash.empty
    }

    /// The block cut into gossip parts; its header is half of the block ID.
    public func makePartSet() -> PartSet { PartSet(data: protobuf) }

    /// The header hash and the part-set header: what votes and the next header refer to.
    public var blockID: BlockID { BlockID(hash: header.hash(), partSetHeader: makePartSet().header) }

    /// CometBFT's `Block.ValidateBasic`: the header is well formed and its hashes match the body,
    /// so a peer cannot pair a signed header with other transactions, evidence or commit.
    public func validateBasic() throws(DecodingError) {
        let path = FieldPath(message: "Block")
        guard let lastCommit else { throw path.child("last_commit").error("missing") }
        guard header.lastCommitHash == lastCommit.hash() else {
            throw path.child("header.last_commit_hash").error("does not match the last commit")
        }
        guard header.dataHash == data.hash() else {
            throw path.child("header.data_hash").error("does not match the transactions")
        }
        guard header.evidenceHash == EvidenceList.hash(evidence) else {
            throw path.child("header.evidence_hash").error("does not match the evidence")
        }
    }
}
