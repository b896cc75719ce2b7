import PalisadeABCI
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// What happened inside the node, for RPC subscriptions, the indexer and logs. Published after
/// the fact and never waited on: consensus does not slow down for its observers.
public enum NodeEvent: Sendable {
    case newBlock(CommittedBlock)
    case newRound(height: Int64, round: Int32, step: Step, proposer: Address, proposerIndex: Int32)
    case vote(Vote)
    case completeProposal(height: Int64, round: Int32, blockID: BlockID)
}

/// A block as it was committed, with everything the RPC and the indexer report about it.
public struct CommittedBlock: Sendable {
    public var block: Block
    public var blockID: BlockID
    public var commit: Commit
    public var response: FinalizeBlockResponse
    /// The state after the block.
    public var state: ChainState
    /// The block's encoded size when the node holds its bytes (block sync received them), so
    /// that a subscriber does not encode the block again to learn it.
    public var encodedSize: Int? = nil

    /// The block's encoded size (`block_size`).
    public var size: Int { encodedSize ?? block.protobuf.count }
}

/// Fans node events out to whoever listens. Publishing never blocks.
public struct NodeObserver: Sendable {
    public var publish: @Sendable (NodeEvent) -> Void

    public init(publish: @escaping @Sendable (NodeEvent) -> Void) {
        self.publish = publish
    }

    public static let none = NodeObserver { _ in }

    func roundChanged(height: Int64, round: Int32, step: Step, proposer: Address, proposerIndex: Int32) {
        publish(.newRound(height: height, round: round, step: step, proposer: proposer, proposerIndex: proposerIndex))
    }
}
