import Logging
import PalisadeConsensus
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("Consensus driver: a WAL that ran past a rolled-back store")
struct WALRollbackReplayTests {
    /// After `palisade rollback` the store is at h-1 while the WAL closed h and went on into h+1.
    /// Replaying h must stop at h's own marker: h+1's start and votes fed to a core still at h
    /// would move it past a block it has not executed.
    @Test func replayOfARolledBackHeightStopsAtItsOwnMarker() throws {
        guard let key = Ed25519PrivateKey(seed: Bytes(repeating: 3, count: 32)) else { throw KeyMissing() }
        let set = try ValidatorSet(validators: [Validator(publicKey: key.publicKey, votingPower: 10)])
        func start(_ height: Int64) -> WALEntry {
            .input(.startHeight(HeightStart(height: height, validators: set, lastBlockTime: Timestamp(seconds: height),
                                            now: Timestamp(seconds: height + 1))))
        }
        let heightSix: [WALEntry] = [start(6), .input(.timeout(Timeout(height: 6, round: 0, step: .propose, duration: 1), now: Timestamp(seconds: 6)))]
        let after: [WALEntry] = [.endHeight(6), start(7), .input(.timeout(Timeout(height: 7, round: 0, step: .propose, duration: 1), now: Timestamp(seconds: 7)))]
        let logger = Logger(label: "test")
        #expect(ConsensusDriver.cutAtOwnEnd(heightSix + after, height: 6, logger: logger) == heightSix)
        // A height the log has not closed is replayed whole.
        #expect(ConsensusDriver.cutAtOwnEnd(heightSix, height: 6, logger: logger) == heightSix)
        #expect(ConsensusDriver.cutAtOwnEnd(Array(after.dropFirst()), height: 7, logger: logger) == Array(after.dropFirst()))
    }

    struct KeyMissing: Error {}
}
