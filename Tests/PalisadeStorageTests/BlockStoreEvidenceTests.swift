import PalisadeCrypto
@testable import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: the evidence pool's tables")
struct BlockStoreEvidenceTests {
    static func evidence(height: Int64, tags: (UInt8, UInt8) = (1, 2)) throws -> DuplicateVoteEvidence {
        let key = try Fixture.privateKey()
        let votes = [tags.0, tags.1].map { tag in
            var vote = Fixture.vote(height: height, round: 0, block: tag, address: key.publicKey.address)
            vote.signature = key.sign(vote.signBytes(chainID: "test"))
            return vote
        }
        return DuplicateVoteEvidence(conflicting: votes[0], votes[1], totalVotingPower: 100, validatorPower: 10,
                                     timestamp: Fixture.time(5))
    }

    @Test("pending evidence survives a reopen, comes back oldest height first, and can be removed")
    func pendingSurvivesReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let later = try Self.evidence(height: 7)
        let earlier = try Self.evidence(height: 3, tags: (3, 4))
        do {
            let store = try BlockStore(path: directory.file("blockstore.db"))
            try store.savePendingEvidence(later)
            try store.savePendingEvidence(earlier)
            try store.savePendingEvidence(later)
            #expect(try store.pendingEvidence() == [earlier, later])
            #expect(try !store.isEvidenceCommitted(hash: later.hash()))
        }
        let reopened = try BlockStore(path: directory.file("blockstore.db"))
        #expect(try reopened.pendingEvidence() == [earlier, later])
        try reopened.removePendingEvidence(hashes: [earlier.hash()])
        #expect(try reopened.pendingEvidence() == [later])
    }

    @Test("a damaged pending row is an error naming the file and the evidence")
    func damagedPendingRow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try BlockStore(path: directory.file("blockstore.db"))
        let item = try Self.evidence(height: 2)
        try store.savePendingEvidence(item)
        try store.pool.write { db in
            try db.execute(sql: "UPDATE pending_evidence SET evidence = x'0a02ffff'")
        }
        #expect {
            try store.pendingEvidence()
        } throws: { error in
            let text = "\(error)"
            return text.contains("blockstore.db") && text.contains(item.hash().upperHex)
        }
    }
}
