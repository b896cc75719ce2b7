import Foundation
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Consensus driver: validators in one process")
struct ConsensusDriverTests {
    @Test("four validators commit the same blocks, transactions included")
    func fourValidatorsAgree() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        for index in 0..<10 {
            let outcome = await cluster.members[index % 4].mempool?.checkTx(Array("key\(index)=value\(index)".utf8))
            #expect(outcome?.isAccepted == true)
        }
        let reached = await cluster.waitForHeight(8)
        // A transaction reaches a proposer by gossip; on a loaded machine that can take a few more
        // heights than eight, so wait (bounded) until all ten are in blocks.
        var committedTxs = 0
        let deadline = Date().addingTimeInterval(120)
        while true {
            let top = cluster.members[0].store.latestHeight
            committedTxs = 0
            for height in Int64(1)...max(1, top) {
                committedTxs += try cluster.members[0].store.block(at: height)?.data.txs.count ?? 0
            }
            if committedTxs >= 10 || Date() >= deadline { break }
            _ = await cluster.waitForHeight(top + 1, members: [0], seconds: 10)
        }
        await cluster.stopAll()
        #expect(reached)
        let common = cluster.members.map(\.store.latestHeight).min() ?? 0
        #expect(common >= 8)
        for height in Int64(1)...max(1, common) {
            let ids = try cluster.members.map { try $0.store.block(at: height)?.blockID }
            #expect(ids.allSatisfy { $0 != nil && $0 == ids[0] }, "height \(height)")
        }
        #expect(committedTxs == 10)
        #expect(cluster.network.disconnects.withLock { $0 }.isEmpty)
    }

    @Test("a crashed validator restarts from its WAL and catches up with decided blocks")
    func crashAndCatchUp() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        await cluster.crash(3)
        let before = cluster.members[3].store.latestHeight
        #expect(await cluster.waitForHeight(before + 5, members: [0, 1, 2]))
        try await cluster.start(3)
        let target = cluster.members[0].store.latestHeight + 3
        let reached = await cluster.waitForHeight(target)
        await cluster.stopAll()
        #expect(reached)
        for height in Int64(1)...target {
            let ids = try cluster.members.map { try $0.store.block(at: height)?.blockID }
            #expect(ids.allSatisfy { $0 == ids[0] }, "height \(height)")
        }
    }
}

@Suite("Consensus driver: hostile peers")
struct HostilePeerTests {
    /// A peer that forges a vote (right validator, wrong signature) and one that sends bytes
    /// that are not a consensus message: both are disconnected with the reason, nothing they
    /// sent reaches the core, and the validators keep committing.
    @Test("invalid signatures and undecodable messages disconnect the sender; consensus goes on")
    func forgedVoteAndGarbage() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        let victim = cluster.members[1]
        // The chain moves fast here, so forgeries for the next several heights are sent: whichever
        // arrives while its height is current (or next) is checked, the rest are merely stale.
        let current = await target.snapshot().height
        let victimIndex = try #require(try cluster.genesis.validatorSet()?.index(of: victim.key.publicKey.address))
        target.enqueue(.peerConnected("mallory"))
        for height in current..<(current + 20) {
            var forged = Vote(type: .prevote, height: height, round: 0, blockID: .zero,
                              timestamp: Timestamp(seconds: 1_700_000_100),
                              validatorAddress: victim.key.publicKey.address, validatorIndex: Int32(victimIndex))
            forged.signature = Array(repeating: 0x42, count: 64)
            target.enqueue(.peerMessage(peer: "mallory", channel: NodeChannel.consensusVote,
                                        bytes: ConsensusWireMessage.vote(forged).encoded()))
        }
        target.enqueue(.peerConnected("trudy"))
        target.enqueue(.peerMessage(peer: "trudy", channel: NodeChannel.consensusData, bytes: [0xFF, 0x01, 0x02, 0x03]))
        let before = cluster.members[0].store.latestHeight
        let kept = await cluster.waitForHeight(before + 3)
        let disconnects = cluster.network.disconnects.withLock { $0 }
        let counters = await target.snapshot().counters
        await cluster.stopAll()
        #expect(kept, "the validators kept committing")
        #expect(disconnects.contains { $0.hasPrefix("node0->mallory") && $0.contains("invalid vote signature") }, "\(disconnects)")
        #expect(disconnects.contains { $0.hasPrefix("node0->trudy") && $0.contains("undecodable") }, "\(disconnects)")
        #expect(counters.invalidMessages >= 2)
    }

    /// A proposal whose part set could hold a block above block.max_bytes is refused before its
    /// signature is checked (so whoever signed it, the sender is not blamed for a bad signature,
    /// and nothing is allocated for its parts). One of the four is the round's real proposer.
    @Test("a proposal naming more parts than block.max_bytes allows is dropped before the signature check")
    func oversizedPartSetIsDroppedFirst() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.start(0)
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        let before = await target.snapshot().counters.invalidMessages
        let maxParts = await target.maxProposalParts
        target.enqueue(.peerConnected("mallory"))
        for member in cluster.members {
            let header = PartSetHeader(total: maxParts + 1, hash: Array(repeating: 7, count: 32))
            var proposal = Proposal(height: 1, round: 30, polRound: -1,
                                    blockID: BlockID(hash: Array(repeating: 9, count: 32), partSetHeader: header),
                                    timestamp: Timestamp(seconds: 1_700_000_100))
            proposal.sign(with: member.key, chainID: cluster.genesis.chainID)
            target.enqueue(.peerMessage(peer: "mallory", channel: NodeChannel.consensusData,
                                        bytes: ConsensusWireMessage.proposal(proposal).encoded()))
        }
        var counted = false
        for _ in 0..<200 where !counted {
            counted = await target.snapshot().counters.invalidMessages - before >= 4
            if !counted { try await Task.sleep(for: .milliseconds(50)) }
        }
        let disconnects = cluster.network.disconnects.withLock { $0 }
        await cluster.stopAll()
        #expect(counted)
        #expect(disconnects.isEmpty, "\(disconnects)")
    }

    /// Proposals for a round 1,000 ahead, from many senders with bad signatures: finding the
    /// round's proposer (needed before the signature can be checked) is computed once for the
    /// height, not once per proposal (1,000 rounds of selection, not 20 × 1,000).
    @Test("far-round proposals cost one proposer rotation per height, not one per message")
    func farRoundProposerLookupsAreComputedOnce() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.start(0)
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        for _ in 0..<200 where await target.core.height == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let height = await target.core.height
        let round = await target.core.round + 1_000
        for sender in 0..<20 {
            let peer = "mallory\(sender)"
            target.enqueue(.peerConnected(peer))
            let proposal = Proposal(height: height, round: round, polRound: -1,
                                    blockID: BlockID(hash: Array(repeating: UInt8(sender), count: 32),
                                                     partSetHeader: PartSetHeader(total: 1, hash: Array(repeating: 7, count: 32))),
                                    timestamp: Timestamp(seconds: 1_700_000_100), signature: Bytes(repeating: 0x42, count: 64))
            target.enqueue(.peerMessage(peer: peer, channel: NodeChannel.consensusData,
                                        bytes: ConsensusWireMessage.proposal(proposal).encoded()))
        }
        var rejected = 0
        for _ in 0..<200 where rejected < 20 {
            rejected = cluster.network.disconnects.withLock { $0 }.count { $0.contains("->mallory") && $0.contains("invalid proposal signature") }
            if rejected < 20 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let steps = await target.proposerSelectionRounds
        await cluster.stopAll()
        #expect(rejected == 20, "every forged proposal was checked and its sender dropped")
        #expect(steps >= 1_000 && steps <= 1_000 + 10, "\(steps) rounds of proposer selection")
    }
}
