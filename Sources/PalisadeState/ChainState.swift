import PalisadeCrypto
import PalisadeTypes

/// What the chain has agreed on after the last committed block: CometBFT's `state.State`.
///
/// A value, never mutated in place by the node: `StateTransition.apply` returns the next one, so
/// a crash between executing a block and saving its state leaves the old value intact.
public struct ChainState: Sendable, Hashable {
    public var chainID: String
    public var initialHeight: Int64
    /// 0 before the first block is committed.
    public var lastBlockHeight: Int64
    /// `.zero` before the first block.
    public var lastBlockID: BlockID
    /// The genesis time before the first block: the first block's time must equal it.
    public var lastBlockTime: Timestamp
    /// The set that signs the block at `lastBlockHeight + 1`.
    public var validators: ValidatorSet
    /// The set for `lastBlockHeight + 2`; validator updates land here, hence the two-height delay.
    public var nextValidators: ValidatorSet
    /// The set that signed `lastBlockHeight` (its commit is the next block's last commit); nil at genesis.
    public var lastValidators: ValidatorSet?
    public var lastHeightValidatorsChanged: Int64
    public var consensusParams: ConsensusParams
    public var lastHeightConsensusParamsChanged: Int64
    /// Merkle root of the deterministic part of the last block's transaction results.
    public var lastResultsHash: Bytes
    /// The application's hash after executing the last block; the next header carries it.
    public var appHash: Bytes
    /// The block protocol and application version the next header must carry.
    public var version: ConsensusVersion

    public init(chainID: String, initialHeight: Int64, lastBlockHeight: Int64, lastBlockID: BlockID,
                lastBlockTime: Timestamp, validators: ValidatorSet, nextValidators: ValidatorSet,
                lastValidators: ValidatorSet?, lastHeightValidatorsChanged: Int64, consensusParams: ConsensusParams,
                lastHeightConsensusParamsChanged: Int64, lastResultsHash: Bytes, appHash: Bytes,
                version: ConsensusVersion) {
        self.chainID = chainID
        self.initialHeight = initialHeight
        self.lastBlockHeight = lastBlockHeight
        self.lastBlockID = lastBlockID
        self.lastBlockTime = lastBlockTime
        self.validators = validators
        self.nextValidators = nextValidators
        self.lastValidators = lastValidators
        self.lastHeightValidatorsChanged = lastHeightValidatorsChanged
        self.consensusParams = consensusParams
        self.lastHeightConsensusParamsChanged = lastHeightConsensusParamsChanged
        self.lastResultsHash = lastResultsHash
        self.appHash = appHash
        self.version = version
    }

    /// The height the next block must have.
    public var nextHeight: Int64 { lastBlockHeight == 0 ? initialHeight : lastBlockHeight + 1 }
}
