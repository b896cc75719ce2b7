import PalisadeMempool
import PalisadeP2P
import PalisadeTypes

/// The largest message each channel carries, which the switch enforces before a message is
/// queued (CometBFT's per-channel `RecvMessageCapacity`): a peer that sends more on a channel
/// than its messages can ever be is disconnected, and nothing of it is decoded or hashed.
/// A message on a channel not listed disconnects the peer too.
enum ChannelLimits {
    /// A round step is a few varints; 1 KiB leaves room for fields added later.
    static let consensusState = 1 << 10
    /// A block part: `Part.size` of data plus its Merkle proof (at most `Part.maxAunts` hashes)
    /// and the height and round; a proposal is far smaller.
    static let consensusData = Part.size + (16 << 10)
    /// A vote is a few hundred bytes, but a precommit may carry a vote extension: CometBFT's
    /// 1 MiB receive capacity for its vote channel.
    static let consensusVote = 1 << 20
    /// Evidence is sent in lists of at most this many bytes (`EvidencePool.gossipChunkBytes`).
    static let evidence = EvidencePool.gossipChunkBytes
    /// Transactions are relayed in lists, each list no larger than a peer message that carried
    /// them; a list's framing adds a few bytes per transaction.
    static func mempool(_ config: MempoolConfig, transportLimit: Int) -> Int {
        min(transportLimit, config.maxTxBytes + (1 << 10))
    }

    /// Each channel's share of a connection when relays compete for it (our own consensus
    /// messages go first regardless): CometBFT's channel priorities, so block data and votes
    /// are not held back by a busy mempool or block-sync channel.
    static let priorities: [ChannelID: Int] = [
        NodeChannel.consensusState: 6,
        NodeChannel.consensusData: 10,
        NodeChannel.consensusVote: 7,
        NodeChannel.mempool: 5,
        NodeChannel.evidence: 6,
        NodeChannel.blockSync: 5,
        NodeChannel.snapshot: 5,
        NodeChannel.chunk: 3,
    ]

    /// Every channel the node speaks, for `SwitchConfiguration.channelMessageLimits`. Block
    /// sync chunks are 1 MiB plus a commit whose size grows with the validator set, so that
    /// channel is bounded by the transport's own limit (4 MiB).
    static func all(mempool config: MempoolConfig, transportLimit: Int) -> [ChannelID: Int] {
        [
            NodeChannel.consensusState: consensusState,
            NodeChannel.consensusData: consensusData,
            NodeChannel.consensusVote: consensusVote,
            NodeChannel.mempool: mempool(config, transportLimit: transportLimit),
            NodeChannel.evidence: evidence,
            NodeChannel.blockSync: transportLimit,
            // A snapshot advertisement is a hash and the app's metadata (the kvstore's names a
            // 32-byte hash per chunk): CometBFT bounds it at 4 MB, the frame limit here.
            NodeChannel.snapshot: transportLimit,
            // A chunk is the app's bytes plus a few varints: bounded by the frame limit, which
            // CometBFT's 16 MiB chunks would not fit; the kvstore cuts 1 MiB chunks.
            NodeChannel.chunk: transportLimit,
        ]
    }
}
