import PalisadeCrypto
@testable import PalisadeNode
import PalisadeP2P
import PalisadeTypes
import Synchronization
import Testing

/// Attacks by a peer that speaks Palisade's P2P protocol (the real transport, its own node key)
/// against whole validators on loopback sockets. For each: the honest validators keep
/// committing, the attacker is disconnected and banned or held to its share of the victim's
/// inbound budget, and the bound is read from the budget's counters, not from the clock.
@Suite("Adversarial peers against whole validators", .serialized)
struct AdversarialPeerTests {
    /// Validator 0's consensus stalls in FinalizeBlock of height 3 while two attackers flood it:
    /// one with 64 KiB messages on the consensus data channel, one with 20-byte round steps. What
    /// validator 0 holds for each stays within the per-peer share (4 MiB, 1,024 messages) however
    /// much they send; without the budget it would hold everything sent until consensus resumed.
    @Test func floodsWhileConsensusIsSlowAreHeldToEachPeersShare() async throws {
        let gate = Gate()
        let cluster = try await SocketCluster.start(apps: [0: StallingApp(height: 3, gate: gate)])
        // The other three go on without validator 0 (30 of 40 power).
        #expect(await cluster.waitForHeight(4, validators: [1, 2, 3]))
        let victim = cluster.nodes[0].peerSwitch
        let limits = victim.inboundBudget.limits
        let large = try await cluster.attacker(seed: 1, target: 0)
        let small = try await cluster.attacker(seed: 2, target: 0)
        let largeFlood = Task {
            for index in 0..<200 {
                try await large.connection.send(channel: NodeChannel.consensusData, bytes: Bytes(repeating: UInt8(index % 251), count: 64 << 10))
            }
        }
        let step = ConsensusWireMessage.newRoundStep(PeerRoundState(height: 1, round: 0, step: 0, lastStoredHeight: 1)).encoded()
        let smallFlood = Task {
            for _ in 0..<5_000 { try await small.connection.send(channel: NodeChannel.consensusState, bytes: step) }
        }
        // Both fill their share while nothing is handled...
        #expect(await eventually { victim.inboundBudget.bytes(of: large.id) >= limits.bytesPerPeer })
        #expect(await eventually { victim.inboundBudget.usage.peakPeerMessages >= limits.messagesPerPeer })
        let usage = victim.inboundBudget.usage
        #expect(usage.peakPeerBytes <= limits.bytesPerPeer + ChannelLimits.consensusData, "\(usage)")
        #expect(usage.peakPeerMessages <= limits.messagesPerPeer, "\(usage)")
        // ... and consensus resumes: the first undecodable message bans the large flooder, and
        // every validator commits on.
        await gate.open()
        let reached = await cluster.waitForHeight(cluster.height(1) + 3)
        await large.connection.waitClosed()
        let banned = await victim.isBanned(large.id)
        let final = victim.inboundBudget.usage
        largeFlood.cancel()
        smallFlood.cancel()
        await small.connection.close()
        await cluster.stop()
        #expect(reached, "the validators kept committing")
        #expect(banned)
        #expect(final.peakPeerBytes <= limits.bytesPerPeer + ChannelLimits.consensusData, "\(final)")
        #expect(final.peakPeerMessages <= limits.messagesPerPeer, "\(final)")
    }

    /// The same flood, measured from the attacker's side against fixed figures rather than the
    /// victim's configured limits: while validator 0's consensus is stalled, the attacker can get
    /// no more onto the wire than the per-peer share (4 MiB), the connection's inbound buffer
    /// (1 MiB) and the two sockets' kernel buffers hold (measured: 9.7 MB sent, 4 MiB held). With
    /// the budget's check removed, all 1,200 messages (78.6 MB) were sent and held.
    @Test func aStalledValidatorStopsReadingAFlooderAtItsShare() async throws {
        let gate = Gate()
        let cluster = try await SocketCluster.start(apps: [0: StallingApp(height: 3, gate: gate)])
        #expect(await cluster.waitForHeight(4, validators: [1, 2, 3]))
        let victim = cluster.nodes[0].peerSwitch
        let attacker = try await cluster.attacker(seed: 5, target: 0)
        let size = 64 << 10
        let count = 1_200
        let sent = SentCount()
        let flood = Task {
            for index in 0..<count {
                try await attacker.connection.send(channel: NodeChannel.consensusData,
                                                   bytes: Bytes(repeating: UInt8(index % 251), count: size))
                sent.increment()
            }
        }
        // Wait until the attacker can send no more (its count stands still for a second) or
        // has sent everything. A hang guard, not a timing assertion.
        var last = -1
        var still = 0
        for _ in 0..<600 where still < 5 && sent.value < count {
            try? await Task.sleep(for: .milliseconds(200))
            still = sent.value == last ? still + 1 : 0
            last = sent.value
        }
        let sentBytes = sent.value * size
        let usage = victim.inboundBudget.usage
        await gate.open()
        let reached = await cluster.waitForHeight(cluster.height(1) + 2)
        flood.cancel()
        await attacker.connection.close()
        await cluster.stop()
        // 4 MiB share + 1 MiB inbound buffer + loopback socket buffers (at most about 6 MiB to
        // receive and 4 MiB to send on Linux's defaults) stay far below 24 MiB.
        #expect(sentBytes <= 24 << 20, "the attacker got \(sentBytes) bytes onto the wire")
        #expect(usage.peakPeerBytes <= (4 << 20) + ChannelLimits.consensusData, "\(usage)")
        #expect(reached, "the validators kept committing")
    }

    /// Votes with bad signatures for the heights being decided: the attacker is dropped and its
    /// next connection refused.
    @Test func invalidVotesGetTheAttackerBanned() async throws {
        let cluster = try await SocketCluster.start()
        #expect(await cluster.waitForHeight(2))
        let victim = cluster.nodes[0]
        let attacker = try await cluster.attacker(seed: 3, target: 0)
        let validators = victim.home.genesis.validators
        let current = cluster.height(0) + 1
        for height in current..<(current + 20) {
            var forged = Vote(type: .prevote, height: height, round: 0, blockID: .zero, timestamp: Timestamp(seconds: 1),
                              validatorAddress: validators[1].address, validatorIndex: 1)
            forged.signature = Bytes(repeating: 0x42, count: 64)
            do { try await attacker.connection.send(channel: NodeChannel.consensusVote, bytes: ConsensusWireMessage.vote(forged).encoded()) }
            catch { break }
        }
        await attacker.connection.waitClosed()
        #expect(await victim.peerSwitch.isBanned(attacker.id))
        let again = try await cluster.attacker(seed: 3, target: 0)
        await again.connection.waitClosed()
        let reached = await cluster.waitForHeight(cluster.height(0) + 3)
        await cluster.stop()
        #expect(reached, "the validators kept committing")
    }

    /// A validly encoded evidence list of 2 MiB (under the transport's 4 MiB) is above the evidence
    /// channel's limit: the attacker is dropped before a byte of it is decoded. Its items are for a
    /// height far ahead, which the pool merely ignores, so without the channel limit the attacker
    /// would stay connected after making every validator decode 2 MiB.
    @Test func oversizedEvidenceIsRefusedBeforeDecoding() async throws {
        let cluster = try await SocketCluster.start()
        #expect(await cluster.waitForHeight(2))
        let victim = cluster.nodes[0]
        let attacker = try await cluster.attacker(seed: 4, target: 0)
        let address = victim.home.genesis.validators[1].address
        func vote(_ fill: UInt8) -> Vote {
            Vote(type: .prevote, height: 1_000_000, round: 0,
                 blockID: BlockID(hash: Bytes(repeating: fill, count: 32),
                                  partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: fill, count: 32))),
                 timestamp: Timestamp(seconds: 1), validatorAddress: address, validatorIndex: 1,
                 signature: Bytes(repeating: fill, count: 64))
        }
        let item = DuplicateVoteEvidence(voteA: vote(1), voteB: vote(2), totalVotingPower: 40, validatorPower: 10,
                                         timestamp: Timestamp(seconds: 1))
        let one = EvidenceList.encode([item]).count
        let list = EvidenceList.encode(Array(repeating: item, count: (2 << 20) / one))
        #expect(list.count > ChannelLimits.evidence && list.count < WireProtocol.defaultMaxMessageSize)
        try await attacker.connection.send(channel: NodeChannel.evidence, bytes: list)
        await attacker.connection.waitClosed()
        #expect(await victim.peerSwitch.isBanned(attacker.id))
        #expect(victim.peerSwitch.inboundBudget.usage.peakPeerBytes < ChannelLimits.evidence)
        let reached = await cluster.waitForHeight(cluster.height(0) + 3)
        await cluster.stop()
        #expect(reached, "the validators kept committing")
    }
}

/// How many messages a flooding task got onto the wire.
final class SentCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// Polls `condition` until it holds or a generous deadline passes (a hang guard).
func eventually(_ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
