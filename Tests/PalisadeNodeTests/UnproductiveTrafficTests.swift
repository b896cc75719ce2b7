@testable import PalisadeNode
import PalisadeTypes
import Synchronization
import Testing

/// A peer that floods messages that serve nothing (round steps, stale votes) is dropped once it
/// passes the per-heartbeat limit; honest peers, which send far fewer, never are.
@Suite("Consensus driver: unproductive traffic")
struct UnproductiveTrafficTests {
    @Test func aFloodOfRoundStepsOrStaleVotesDisconnectsItsSenderAndTheChainGoesOn() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        target.enqueue(.peerConnected("mallory"))
        target.enqueue(.peerConnected("eve"))
        // Twice the limit in one burst, so at most one heartbeat (every 200 ms here) falls inside it.
        let flood = 2 * UnproductiveTraffic.limitPerHeartbeat + 100
        let step = ConsensusWireMessage.newRoundStep(PeerRoundState(height: 1, round: 0, step: 0, lastStoredHeight: 1))
        for _ in 0..<flood {
            target.enqueue(.peerMessage(peer: "mallory", channel: NodeChannel.consensusState, bytes: step.encoded()))
        }
        let stale = Vote(type: .prevote, height: 1, round: 0, blockID: .zero, timestamp: Timestamp(seconds: 1),
                         validatorAddress: cluster.members[1].key.publicKey.address, validatorIndex: 0,
                         signature: Array(repeating: 1, count: 64))
        for round in 0..<Int32(flood) {
            var vote = stale
            vote.round = round
            target.enqueue(.peerMessage(peer: "eve", channel: NodeChannel.consensusVote,
                                        bytes: ConsensusWireMessage.vote(vote).encoded()))
        }
        let before = cluster.members[0].store.latestHeight
        let kept = await cluster.waitForHeight(before + 3)
        let disconnects = cluster.network.disconnects.withLock { $0 }
        await cluster.stopAll()
        #expect(kept, "the validators kept committing")
        for peer in ["mallory", "eve"] {
            #expect(disconnects.contains { $0.hasPrefix("node0->\(peer)") && $0.contains("stale or round-step") },
                    "\(disconnects)")
        }
        #expect(!disconnects.contains { $0.contains("->node") }, "honest peers are never dropped: \(disconnects)")
    }

    /// What validator 0 sent "mallory" on the block sync channel.
    final class Served: Sendable {
        let state = Mutex((chunks: 0, chunkBytes: 0, noBlock: 0))
        var answers: Int { state.withLock { $0.chunks + $0.noBlock } }
    }

    /// A block request is a few bytes and its answer a whole block: past a byte budget per
    /// heartbeat the requester is answered "no block".
    @Test func blockRequestsAreServedUpToAByteBudgetPerHeartbeat() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        let limit = 4_096
        await target.setServedBytesLimit(limit)
        let served = Served()
        cluster.network.drop.withLock {
            $0["node0"] = { to, channel, bytes in
                guard to == "mallory" else { return false }
                switch try? BlockSyncMessage(decoding: bytes) {
                case let .chunk(_, _, _, data, _, _)?:
                    served.state.withLock {
                        $0.chunks += 1
                        $0.chunkBytes += data.count
                    }
                case .noBlock?: served.state.withLock { $0.noBlock += 1 }
                default: break
                }
                return true
            }
        }
        target.enqueue(.peerConnected("mallory"))
        let requests = 300
        for _ in 0..<requests {
            target.enqueue(.peerMessage(peer: "mallory", channel: NodeChannel.blockSync,
                                        bytes: BlockSyncMessage.request(height: 1).encoded()))
        }
        let answered = await eventually { served.answers == requests }
        let blockSize = try #require(try cluster.members[0].store.blockBytes(at: 1)).count
        await cluster.stopAll()
        #expect(answered)
        let (bytes, refused) = served.state.withLock { ($0.chunkBytes, $0.noBlock) }
        // At most one heartbeat (every 200 ms here) falls inside the burst: two budgets' worth.
        #expect(bytes <= 2 * (limit + blockSize), "\(bytes) bytes served, blocks of \(blockSize)")
        #expect(refused >= requests - 2 * (limit / blockSize + 1))
    }
}
