import Foundation
import PalisadeCrypto
import PalisadeState
@testable import PalisadeNode
import PalisadeTypes
import Synchronization
import Testing

/// What one validator, or several, can make the evidence pool hold, and how the pool's backlog
/// reaches a new peer: in messages under the evidence channel's limit, not one message the
/// transport would refuse.
@Suite("Evidence: bounded pending items, chunked gossip")
struct EvidenceBoundsTests {
    /// A committed chain of 3 heights and distinct valid evidence items at height 2.
    struct Fixture {
        let cluster: InProcessCluster
        let state: ChainState

        static func make() async throws -> Fixture {
            let cluster = try InProcessCluster(validators: 4)
            try await cluster.startAll()
            #expect(await cluster.waitForHeight(3))
            await cluster.stopAll()
            let state = try #require(try cluster.members[0].store.latestState())
            return Fixture(cluster: cluster, state: state)
        }

        /// Evidence that `member` prevoted two blocks in `round` of height 2.
        func evidence(by member: Int, round: Int32) throws -> DuplicateVoteEvidence {
            let store = cluster.members[0].store
            let key = cluster.members[member].key
            let validators = try #require(try store.validators(at: 2))
            let index = try #require(validators.index(of: key.publicKey.address))
            let time = try #require(try store.block(at: 2)?.header.time)
            func vote(_ side: String) -> Vote {
                let blockID = BlockID(hash: SHA256Hash.digest(Array("\(side)/\(round)".utf8)),
                                      partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(Array(side.utf8))))
                var vote = Vote(type: .prevote, height: 2, round: round, blockID: blockID,
                                timestamp: Timestamp(seconds: 1_700_000_100),
                                validatorAddress: key.publicKey.address, validatorIndex: Int32(index))
                vote.signature = key.sign(vote.signBytes(chainID: cluster.genesis.chainID))
                return vote
            }
            return try DuplicateVoteEvidence(conflicting: vote("left"), vote("right"), validatorSet: validators,
                                             timestamp: time)
        }

        func pool(_ limits: PendingEvidence.Limits, network: any PeerNetwork = RecordingNetwork()) throws -> EvidencePool {
            try EvidencePool(chainID: cluster.genesis.chainID, state: state, store: cluster.members[0].store,
                             network: network, logger: .init(label: "test"), limits: limits)
        }
    }

    static func isFull(_ verdict: EvidencePool.Verdict) -> Bool {
        if case .ignored(let reason) = verdict { reason.contains("pending evidence is full") } else { false }
    }

    @Test func pendingItemsAreBoundedPerValidatorInCountAndInBytes() async throws {
        let fixture = try await Fixture.make()
        var limits = PendingEvidence.Limits()
        limits.perValidator = 2
        limits.maxItems = 3
        let pool = try fixture.pool(limits)
        #expect(await pool.add(try fixture.evidence(by: 1, round: 0)) == .added)
        #expect(await pool.add(try fixture.evidence(by: 1, round: 1)) == .added)
        // A third item of the same validator is refused before its signatures are checked.
        #expect(Self.isFull(await pool.add(try fixture.evidence(by: 1, round: 2))))
        #expect(await pool.add(try fixture.evidence(by: 2, round: 0)) == .added)
        #expect(Self.isFull(await pool.add(try fixture.evidence(by: 3, round: 0))))
        let pending = await pool.pendingEvidence
        #expect(pending.count == 3)
        // The next pool would load these from the store.
        try fixture.cluster.members[0].store.removePendingEvidence(hashes: pending.map { $0.hash() })

        let one = try fixture.evidence(by: 1, round: 0)
        limits = PendingEvidence.Limits()
        limits.maxBytes = 2 * EvidencePool.encodedSize(one) + 10
        let byBytes = try fixture.pool(limits)
        #expect(await byBytes.add(try fixture.evidence(by: 1, round: 0)) == .added)
        #expect(await byBytes.add(try fixture.evidence(by: 2, round: 0)) == .added)
        #expect(Self.isFull(await byBytes.add(try fixture.evidence(by: 3, round: 0))))
    }

    @Test func aBacklogGoesOutInMessagesUnderTheLimitInOrder() throws {
        let item = DuplicateVoteEvidence(
            voteA: Vote(type: .prevote, height: 2, round: 0, blockID: BlockID(hash: Bytes(repeating: 1, count: 32),
                        partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: 2, count: 32))),
                        timestamp: Timestamp(seconds: 1), validatorAddress: Address(bytes: Bytes(repeating: 3, count: 20)),
                        validatorIndex: 0, signature: Bytes(repeating: 4, count: 64)),
            voteB: Vote(type: .prevote, height: 2, round: 0, blockID: BlockID(hash: Bytes(repeating: 5, count: 32),
                        partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: 6, count: 32))),
                        timestamp: Timestamp(seconds: 1), validatorAddress: Address(bytes: Bytes(repeating: 3, count: 20)),
                        validatorIndex: 0, signature: Bytes(repeating: 7, count: 64)),
            totalVotingPower: 40, validatorPower: 10, timestamp: Timestamp(seconds: 1))
        let items = (0..<25).map { index -> DuplicateVoteEvidence in
            var copy = item
            copy.voteA.round = Int32(index)
            copy.voteB.round = Int32(index)
            return copy
        }
        let size = EvidencePool.encodedSize(items[0])
        let limit = size * 10 + size / 2
        let messages = EvidencePool.messages(items, limit: limit)
        #expect(messages.count == 3)
        #expect(messages.allSatisfy { $0.count <= limit })
        #expect(try messages.flatMap { try EvidenceList.decode($0) } == items)
        // A whole list in one message would be over the limit: what the pool sent before.
        #expect(EvidenceList.encode(items).count > limit)
        // An item that alone is over the limit cannot be sent at all.
        #expect(EvidencePool.messages(items, limit: size - 1).isEmpty)
    }
}
