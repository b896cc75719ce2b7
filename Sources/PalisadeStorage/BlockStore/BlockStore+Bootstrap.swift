import Foundation
import GRDB
import PalisadeState
import PalisadeTypes

extension BlockStore {
    /// Starts an empty store mid-chain, after state sync restored the app to height H =
    /// `state.lastBlockHeight` (CometBFT's `BootstrapState` plus `SaveSeenCommit`): the state
    /// after block H, with the validator sets it fixes for H, H+1 and H+2, and `commit`, the
    /// light-verified +2/3 precommits for block H, as the seen commit of H. No block is stored:
    /// block H+1, the first one block sync brings, is the store's base, so heights up to H
    /// answer as pruned and `earliest_block_height` is H+1 once it arrives. Block H+1's
    /// `LastCommit` is checked against the set stored for H, as for any other block.
    ///
    /// Refused when the store holds a block, or when `commit` is not for height H.
    public func bootstrap(state: ChainState, commit: Commit) throws(BlockStoreError) {
        let height = state.lastBlockHeight
        let operation = "bootstrap at height \(height)"
        guard height > 0 else { throw invalid(operation, "a state-synced height is above 0") }
        guard commit.height == height, commit.blockID == state.lastBlockID else {
            throw invalid(operation, "the commit is for height \(commit.height), block \(commit.blockID); "
                + "the state is after block \(state.lastBlockID)")
        }
        try write(operation) { db in
            if let latest = try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") {
                throw self.invalid(operation, "the store already holds blocks up to height \(latest)")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO seen_commits (height, commit_proto) VALUES (?, ?)",
                           arguments: [height, Data(commit.protobuf)])
            try self.saveState(state, initial: true, db)
        }
    }
}
