import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

@Suite("Vote relay: what a vote is, not its bytes")
struct VoteRelayTests {
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
