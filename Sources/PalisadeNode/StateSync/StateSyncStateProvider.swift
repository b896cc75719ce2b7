import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// Everything state sync takes on trust about a snapshot's height, and from whom: the snapshot
/// itself comes from any peer, but the app hash it must restore to, the commit the next block's
/// LastCommit must match and the chain state the node resumes from are light-client verified
/// against the operator's trusted height and hash (CometBFT's `statesync.StateProvider`).
/// The syncer depends on this port only, so tests give it a fake and the node an RPC-backed,
/// light-verified one.
public protocol StateSyncStateProvider: Sendable {
    /// The app hash after executing block `height`: the one header `height + 1` carries.
    func appHash(height: Int64) async throws -> Bytes
    /// The +2/3 precommits for block `height` (the LastCommit block `height + 1` must carry).
    func commit(height: Int64) async throws -> Commit
    /// The chain state after block `height`: what the node bootstraps from once the app has
    /// restored the snapshot of that height.
    func state(height: Int64) async throws -> ChainState
}
