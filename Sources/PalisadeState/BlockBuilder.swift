import PalisadeCrypto
import PalisadeTypes

/// What the proposer does once PrepareProposal has chosen the transactions: CometBFT's
/// `State.MakeBlock`. Every hash the header commits to comes from the state or from the block's
/// own contents, so a block built here passes `BlockValidator` against the same state.
public enum BlockBuilder {
    /// - Parameters:
    ///   - lastCommit: the +2/3 commit for `lastBlockHeight`; ignored (an empty commit is used)
    ///     at the initial height, where there is nothing to commit to.
    ///   - time: the block time, decided by the caller: the genesis time at the initial height,
    ///     otherwise the weighted median of `lastCommit`'s timestamps (BFT time).
    public static func makeBlock(state: ChainState, txs: [Bytes], lastCommit: Commit,
                                 evidence: [Evidence] = [], time: Timestamp,
                                 proposerAddress: Address) -> Block {
        let height = state.nextHeight
        let commit = height == state.initialHeight ? Commit.empty : lastCommit
        let header = Header(
            version: state.version, chainID: state.chainID, height: height, time: time,
            lastBlockID: state.lastBlockID,
            validatorsHash: state.validators.hash(), nextValidatorsHash: state.nextValidators.hash(),
            consensusHash: state.consensusParams.hash(), appHash: state.appHash,
            lastResultsHash: state.lastResultsHash, proposerAddress: proposerAddress)
        var block = Block(header: header, data: BlockData(txs: txs), evidence: evidence, lastCommit: commit)
        block.fillHeaderHashes()
        return block
    }
}
