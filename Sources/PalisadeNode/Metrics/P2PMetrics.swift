import CoreMetrics

/// CometBFT's `p2p` metrics: `peers`, and message bytes sent and received. CometBFT labels the
/// byte counters `message_type` with the Go type of the message (`consensus_Vote`); Palisade's peer
/// protocol has its own envelopes, so the label keeps CometBFT's name and its values name the
/// channel the bytes travelled on (`consensus_vote`, `mempool`, …), one series per channel.
public struct P2PMetrics: Sendable {
    let peers: Gauge
    private let sentBytes: [UInt8: Counter]
    private let receivedBytes: [UInt8: Counter]
    private let otherSent: Counter
    private let otherReceived: Counter

    /// The `message_type` value of each channel.
    static let messageTypes: [UInt8: String] = [
        NodeChannel.consensusState: "consensus_state",
        NodeChannel.consensusData: "consensus_data",
        NodeChannel.consensusVote: "consensus_vote",
        NodeChannel.mempool: "mempool",
        NodeChannel.evidence: "evidence",
        NodeChannel.blockSync: "blocksync",
        NodeChannel.snapshot: "statesync_snapshot",
        NodeChannel.chunk: "statesync_chunk",
    ]

    init(_ namer: MetricNamer) {
        peers = namer.gauge("p2p", "peers")
        func counters(_ name: String) -> [UInt8: Counter] {
            Self.messageTypes.mapValues { namer.counter("p2p", name, [("message_type", $0)]) }
        }
        sentBytes = counters("message_send_bytes_total")
        receivedBytes = counters("message_receive_bytes_total")
        otherSent = namer.counter("p2p", "message_send_bytes_total", [("message_type", "other")])
        otherReceived = namer.counter("p2p", "message_receive_bytes_total", [("message_type", "other")])
    }

    /// `bytes` queued on `channel` for `copies` peers.
    func sent(channel: UInt8, bytes: Int, copies: Int = 1) {
        guard copies > 0 else { return }
        (sentBytes[channel] ?? otherSent).increment(by: bytes * copies)
    }

    func received(channel: UInt8, bytes: Int) {
        (receivedBytes[channel] ?? otherReceived).increment(by: bytes)
    }
}
