import PalisadeCrypto

/// The versions a block was made under: the block protocol (CometBFT v0.38 is 11) and the app's.
public struct ConsensusVersion: Sendable, Hashable {
    public var block: UInt64
    public var app: UInt64

    public init(block: UInt64 = ConsensusVersion.blockProtocol, app: UInt64 = 0) {
        self.block = block
        self.app = app
    }

    /// CometBFT v0.38's block protocol version; headers of any other version are rejected.
    public static let blockProtocol: UInt64 = 11
}

/// A block header: what a block ID's hash commits to. Every other part of the block (its
/// transactions, evidence, last commit, the results and state it builds on) is summarised here
/// by a hash, so signing the header's hash signs the whole block and its context.
public struct Header: Sendable, Hashable {
    public var version: ConsensusVersion
    public var chainID: String
    public var height: Int64
    public var time: Timestamp
    /// The previous block: the chain link.
    public var lastBlockID: BlockID
    /// Merkle root of the precommits that committed the previous block.
    public var lastCommitHash: Bytes
    /// Merkle root of the transactions (`BlockData.hash`).
    public var dataHash: Bytes
    public var validatorsHash: Bytes
    public var nextValidatorsHash: Bytes
    /// SHA-256 of the consensus parameters' hashed subset (`ConsensusParams.hash`).
    public var consensusHash: Bytes
    /// The app's state after executing the previous block; any length.
    public var appHash: Bytes
    /// Merkle root of the previous block's deterministic transaction results.
    public var lastResultsHash: Bytes
    public var evidenceHash: Bytes
    public var proposerAddress: Address

    public init(version: ConsensusVersion = ConsensusVersion(), chainID: String, height: Int64, time: Timestamp,
                lastBlockID: BlockID, lastCommitHash: Bytes = [], dataHash: Bytes = [], validatorsHash: Bytes,
                nextValidatorsHash: Bytes, consensusHash: Bytes, appHash: Bytes = [], lastResultsHash: Bytes = [],
                evidenceHash: Bytes = [], proposerAddress: Address) {
        self.version = version
        self.chainID = chainID
        self.height = height
        self.time = time
        self.lastBlockID = lastBlockID
        self.lastCommitHash = lastCommitHash
        self.dataHash = dataHash
        self.validatorsHash = validatorsHash
        self.nextValidatorsHash = nextValidatorsHash
        self.consensusHash = consensusHash
        self.appHash = appHash
        self.lastResultsHash = lastResultsHash
        self.evidenceHash = evidenceHash
        self.proposerAddress = proposerAddress
    }

    /// The longest chain ID CometBFT accepts.
    public static let maxChainIDLength = 50

    /// The header hash, which is the block ID's hash: the RFC 6962 merkle root over the 14 fields in
    /// proto order, each encoded on its own (see `HeaderHashing`). Empty for a header with no
    /// validators hash, as CometBFT returns nil for such an incomplete header.
    public func hash() -> Bytes {
        guard !validatorsHash.isEmpty else { return [] }
        return Merkle.root(HeaderHashing.leaves(of: self))
    }
}
