import PalisadeState
import PalisadeTypes

/// The driver's boot path after state sync: the node did not run the handshake's InitChain (the
/// app was restored from a snapshot instead), so the driver was made with a placeholder state
/// and learns the real one here, before `run`. From then on it is an ordinary node whose store
/// begins at H+1: block sync fetches from there to the tip, then consensus takes over.
extension ConsensusDriver {
    /// `state` is the state after block H and `commit` its light-verified commit; the store holds
    /// them already (`ChainStore.bootstrap`). Call before `run`.
    public func bootstrap(state: ChainState, commit: Commit) async {
        chain = state
        lastCommit = commit
        // The precommits' extensions are not part of what state sync verifies; a proposer at
        // H+1 would need them, and this node only proposes after it has caught up.
        lastCommitExtensions = []
        storedBase = (try? store.baseHeight()) ?? 0
        metrics.consensus.started(lastBlockHeight: state.lastBlockHeight)
        await mempool.update(height: state.lastBlockHeight, committedTxs: [], results: [])
        await evidence.bootstrap(state: state)
    }
}
