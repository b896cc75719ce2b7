import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Vote relay: what a vote is, not its bytes")
struct VoteRelayTests {
    /// A peer takes a real signed vote and re-sends it with extension bytes, which no signature
    /// covers: before vote extensions exist such a vote is malformed, so the sender is dropped,
    /// and the copy is neither held nor relayed.
    @Test("a real vote re-sent with extension bytes disconnects the sender and is not relayed")
    func extensionBytesOnARealVote() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(2))
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        let signer = cluster.members[1]
        let index = try #require(try cluster.genesis.validatorSet()?.index(of: signer.key.publicKey.address))
        let height = await target.snapshot().height
        let block = BlockID(hash: Array(repeating: 3, count: 32),
                            partSetHeader: PartSetHeader(total: 1, hash: Array(repeating: 4, count: 32)))
        var vote = Vote(type: .precommit, height: height, round: 0, blockID: block, timestamp: Timestamp(seconds: 1_700_000_100),
                        validatorAddress: signer.key.publicKey.address, validatorIndex: Int32(index))
        vote.sign(with: signer.key, chainID: cluster.genesis.chainID)
        vote.extension = Array(repeating: 0xEE, count: 100_000)
        vote.extensionSignature = Array(repeating: 0xEF, count: 64)
        target.enqueue(.peerConnected("mallory"))
        target.enqueue(.peerMessage(peer: "mallory", channel: NodeChannel.consensusVote,
                                    bytes: ConsensusWireMessage.vote(vote).encoded()))
        let before = cluster.members[0].store.latestHeight
        let kept = await cluster.waitForHeight(before + 2)
        let disconnects = cluster.network.disconnects.withLock { $0 }
        await cluster.stopAll()
        #expect(kept)
        #expect(disconnects.contains { $0.hasPrefix("node0->mallory") && $0.contains("extension bytes") }, "disconnects: \(disconnects)")
    }

    @Test("copies of one vote that differ in unsigned bytes are one relay entry; other votes are not")
    func identityKey() throws {
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 5, count: 32)))
        let block = BlockID(hash: Array(repeating: 1, count: 32),
                            partSetHeader: PartSetHeader(total: 1, hash: Array(repeating: 2, count: 32)))
        var vote = Vote(type: .precommit, height: 7, round: 1, blockID: block, timestamp: Timestamp(seconds: 5),
                        validatorAddress: key.publicKey.address, validatorIndex: 2)
        vote.sign(with: key, chainID: "relay")
        var padded = vote
        padded.extension = [1, 2, 3]
        var messages = HeightMessages()
        #expect(messages.add(.vote(vote)) != nil)
        #expect(messages.add(.vote(padded)) == nil)
        #expect(messages.contains(.vote(padded)))
        var otherRound = vote
        otherRound.round = 2
        var nilVote = vote
        nilVote.blockID = .zero
        var prevote = vote
        prevote.type = .prevote
        for other in [otherRound, nilVote, prevote] { #expect(messages.add(.vote(other)) != nil) }
        #expect(messages.entries.count == 4)
    }

    @Test("our own messages are held past the limit that bounds what peers fill")
    func ownMessagesPassTheLimit() throws {
        var messages = HeightMessages()
        for index in 0..<HeightMessages.limit {
            let vote = Vote(type: .prevote, height: 1, round: Int32(index), blockID: .zero, timestamp: Timestamp(seconds: 1),
                            validatorAddress: Address(bytes: Array(repeating: 1, count: 20)), validatorIndex: 0)
            _ = messages.add(.vote(vote))
        }
        let extra = Vote(type: .precommit, height: 1, round: 0, blockID: .zero, timestamp: Timestamp(seconds: 1),
                         validatorAddress: Address(bytes: Array(repeating: 2, count: 20)), validatorIndex: 1)
        #expect(messages.add(.vote(extra)) == nil)
        #expect(messages.add(.vote(extra), own: true) != nil)
    }
}
