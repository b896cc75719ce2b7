import Foundation
import PalisadeApps
import PalisadeConsensus
import PalisadeCrypto
import PalisadeStorage
@testable import PalisadeNode
import PalisadeTypes
import Synchronization
import Testing

/// Equivocation from detection to punishment, with validators in one process: the core sees two
/// votes from one validator, the pool turns them into evidence once the height is committed, a
/// proposer includes it, every node commits it once, and the app punishes the validator.
@Suite("Evidence: double-signing is caught, committed and punished")
struct EvidenceTests {
    /// Two prevotes from `member`'s key for one (height, round) and different blocks, validly signed.
    static func conflictingPrevotes(by member: InProcessCluster.Member, index: Int32, height: Int64,
                                    chainID: String) -> (Vote, Vote) {
        func vote(_ seed: String) -> Vote {
            let blockID = BlockID(hash: SHA256Hash.digest(Array("\(seed)/\(height)".utf8)),
                                  partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(Array(seed.utf8))))
            var vote = Vote(type: .prevote, height: height, round: 0, blockID: blockID,
                            timestamp: Timestamp(seconds: 1_700_000_100),
                            validatorAddress: member.key.publicKey.address, validatorIndex: index)
            vote.signature = member.key.sign(vote.signBytes(chainID: chainID))
            return vote
        }
        return (vote("left"), vote("right"))
    }

    @Test("conflicting prevotes become evidence that is committed once and costs the validator power")
    func doubleSignIsPunished() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        // Validator 3 goes quiet and "we" sign for it, twice per height: 30 of 40 power remains
        // honest and live, and every live node sees the equivocation.
        await cluster.crash(3)
        let byzantine = cluster.members[3]
        let index = try #require(try cluster.genesis.validatorSet()?.index(of: byzantine.key.publicKey.address))
        let live = [0, 1, 2]
        for id in live { cluster.members[id].driver?.enqueue(.peerConnected("byzantine")) }
        // The chain moves on its own; conflicting pairs for the next heights reach each node while
        // that height is current (earlier ones are stale, later ones are dropped as too new).
        var found: (height: Int64, block: Block)?
        for _ in 0..<50 where found == nil {
            let current = cluster.members[0].store.latestHeight + 1
            for height in current...(current + 1) {
                let (a, b) = Self.conflictingPrevotes(by: byzantine, index: Int32(index), height: height,
                                                      chainID: cluster.genesis.chainID)
                for id in live {
                    for vote in [a, b] {
                        cluster.members[id].driver?.enqueue(.peerMessage(
                            peer: "byzantine", channel: NodeChannel.consensusVote,
                            bytes: ConsensusWireMessage.vote(vote).encoded()))
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let top = cluster.members[0].store.latestHeight
            for height in Int64(1)...max(1, top) {
                if let block = try cluster.members[0].store.block(at: height), !block.evidence.isEmpty {
                    found = (height, block)
                    break
                }
            }
        }
        let (evidenceHeight, block) = try #require(found, "no block carried evidence")
        // Two more heights, so the app's validator update has taken effect.
        let reached = await cluster.waitForHeight(evidenceHeight + 3, members: live)
        let disconnects = cluster.network.disconnects.withLock { $0 }
        guard case .duplicateVote(let evidence) = try #require(block.evidence.first) else {
            Issue.record("the committed evidence is not a duplicate vote: \(block.evidence)")
            await cluster.stopAll()
            return
        }
        let afterCommit = await cluster.members[0].evidence?.add(evidence)
        let pending = await cluster.members[0].evidence?.pendingEvidence ?? []
        await cluster.stopAll()
        #expect(reached)

        #expect(evidence.validatorAddress == byzantine.key.publicKey.address)
        #expect(evidence.validatorPower == 10 && evidence.totalVotingPower == 40)
        #expect(evidence.height < evidenceHeight)
        #expect(evidence.timestamp == (try cluster.members[0].store.block(at: evidence.height))?.header.time,
                "evidence carries the block time of its own height")
        // Every live node committed the same block, and no other block repeats the item.
        for id in live {
            #expect(try cluster.members[id].store.block(at: evidenceHeight)?.blockID == block.blockID)
        }
        let carriers = try (Int64(1)...(evidenceHeight + 3)).filter { height in
            try cluster.members[0].store.block(at: height)?.evidence.contains(.duplicateVote(evidence)) == true
        }
        #expect(carriers == [evidenceHeight], "committed exactly once")
        #expect(afterCommit == .known, "committed evidence is not taken again")
        #expect(pending.isEmpty, "nothing left pending: \(pending)")
        // The kvstore takes 1 power from a double-signer; the new set applies two heights on.
        let before = try #require(try cluster.members[0].store.validators(at: evidenceHeight + 1))
        let after = try #require(try cluster.members[0].store.validators(at: evidenceHeight + 2))
        #expect(before.validator(for: byzantine.key.publicKey.address)?.votingPower == 10)
        #expect(after.validator(for: byzantine.key.publicKey.address)?.votingPower == 9)
        // Valid, if conflicting, signatures are not a reason to drop the peer that relayed them.
        #expect(!disconnects.contains { $0.contains("byzantine") }, "\(disconnects)")
    }

    @Test("the pool refuses forged, mistimed, mispowered and unknown-height evidence, and keeps valid evidence once")
    func poolVerification() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(3))
        await cluster.stopAll()
        let store = cluster.members[0].store
        let state = try #require(try store.latestState())
        let offender = cluster.members[2]
        let validators = try #require(try store.validators(at: 2))
        let index = try #require(validators.index(of: offender.key.publicKey.address))
        let blockTime = try #require(try store.block(at: 2)?.header.time)
        let (a, b) = Self.conflictingPrevotes(by: offender, index: Int32(index), height: 2, chainID: cluster.genesis.chainID)
        let valid = try DuplicateVoteEvidence(conflicting: a, b, validatorSet: validators, timestamp: blockTime)
        let network = RecordingNetwork()
        let pool = try EvidencePool(chainID: cluster.genesis.chainID, state: state, store: store, network: network,
                                    logger: .init(label: "test"))

        var mistimed = valid
        mistimed.timestamp = Timestamp(seconds: blockTime.seconds + 1, nanos: blockTime.nanos)
        var mispowered = valid
        mispowered.validatorPower = 11
        var forged = valid
        forged.voteB.signature = Array(repeating: 7, count: 64)
        let (fa, fb) = Self.conflictingPrevotes(by: offender, index: Int32(index), height: state.lastBlockHeight + 5,
                                                chainID: cluster.genesis.chainID)
        let future = DuplicateVoteEvidence(conflicting: fa, fb, totalVotingPower: 40, validatorPower: 10, timestamp: blockTime)

        #expect(await pool.add(mistimed).isInvalid)
        #expect(await pool.add(mispowered).isInvalid)
        #expect(await pool.add(forged).isInvalid)
        #expect(await pool.add(future) == .ignored("height \(future.height) is not committed here yet (last \(state.lastBlockHeight))"))
        #expect(await pool.add(valid) == .added)
        #expect(await pool.add(valid) == .known)
        #expect(await pool.pendingEvidence == [valid])
        #expect(await pool.evidenceForProposal() == [valid])
        #expect(await pool.problemWithProposed([.duplicateVote(valid)]) == nil)
        #expect(await pool.problemWithProposed([.duplicateVote(mistimed)]) != nil)
        #expect(network.broadcasts.withLock { $0 } == 1, "gossiped once, when added")
        // Kept in the store: a pool opened after a restart still has it.
        let reopened = try EvidencePool(chainID: cluster.genesis.chainID, state: state, store: store, network: network,
                                        logger: .init(label: "test"))
        #expect(await reopened.pendingEvidence == [valid])
        // A new peer is sent what is pending.
        await reopened.peerConnected("late-peer")
        #expect(network.sends.withLock { $0 } == ["late-peer"])
    }
}

extension EvidencePool.Verdict {
    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }
}

/// Counts what a pool sends, to see gossip happen.
final class RecordingNetwork: PeerNetwork {
    let broadcasts = Mutex(0)
    let sends = Mutex<[String]>([])

    func send(to peer: String, channel: UInt8, bytes: Bytes) async {
        if channel == NodeChannel.evidence { sends.withLock { $0.append(peer) } }
    }

    func broadcast(channel: UInt8, bytes: Bytes) async {
        if channel == NodeChannel.evidence { broadcasts.withLock { $0 += 1 } }
    }

    func disconnect(peer: String, reason: String) async {}
}

@Suite("Consensus driver: our own messages in the WAL")
struct OwnMessagesInWALTests {
    /// Own votes go into the WAL before they are sent and are not written a second time when
    /// they come back as inputs: each appears exactly once per (height, round, type).
    @Test("each of our own votes is in the WAL exactly once")
    func ownVotesOnceInWAL() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(4))
        await cluster.stopAll(removeFiles: false)
        defer { try? FileManager.default.removeItem(atPath: cluster.root) }
        let me = cluster.members[0]
        let wal = try ConsensusWAL(path: me.directory + "/cs.wal")
        // Height 1 has no end-of-height marker before it (the WAL starts there); from 2 on each does.
        for height in Int64(2)...3 {
            var seen: [String: Int] = [:]
            for case let .vote(vote, _) in try wal.inputs(forHeight: height) 
                where vote.validatorAddress == me.key.publicKey.address && vote.height == height {
                seen["\(vote.type)/\(vote.round)", default: 0] += 1
            }
            #expect(!seen.isEmpty && seen.values.allSatisfy { $0 == 1 }, "height \(height): \(seen)")
        }
    }
}
