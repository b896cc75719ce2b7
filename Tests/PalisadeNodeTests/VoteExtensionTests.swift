import Foundation
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Synchronization
import Testing

/// Vote extensions through the runtime: validator 0 of four runs alone (so it stays at height 1
/// and every vote sent to it is for its current height), and peers feed it precommits signed with
/// the other validators' keys.
@Suite("Vote extensions: checked before they count")
struct VoteExtensionTests {
    @Test("a precommit with a valid vote signature and a forged extension signature is rejected, its sender disconnected")
    func forgedExtensionSignature() async throws {
        let lone = try await LoneValidator.start(enableHeight: 1)
        let real = lone.extended(try lone.precommit(by: 1), KVStoreApplication.voteExtension(at: 1), signedBy: 1)
        // The same extension signed by another validator's key: a real signature, not the voter's.
        let forged = lone.extended(real, real.extension, signedBy: 2)
        let before = await lone.target.snapshot().counters
        lone.send(forged, from: "mallory")
        lone.send(real, from: "alice")
        let held = try await lone.waitUntilHeld(real)
        let entry = await lone.target.relayEntry(real)
        let (counters, disconnects) = await lone.stop()
        #expect(held, "the real precommit is accepted")
        #expect(entry?.extensionSignature == real.extensionSignature, "what is held is the real one")
        #expect(counters.invalidMessages == before.invalidMessages + 1)
        #expect(disconnects.contains { $0.hasPrefix("node0->mallory") && $0.contains("extension signature") },
                "\(disconnects)")
        #expect(!disconnects.contains { $0.hasPrefix("node0->alice") }, "\(disconnects)")
    }

    @Test("before the enable height a vote with extension bytes or an extension signature is dropped and counted")
    func extensionBeforeEnableHeight() async throws {
        let lone = try await LoneValidator.start(enableHeight: 5)
        let plain = try lone.precommit(by: 1)
        let withBytes = lone.extended(try lone.precommit(by: 2), [1, 2, 3], signedBy: 2)
        var signatureOnly = try lone.precommit(by: 3)
        signatureOnly.extensionSignature = Array(repeating: 9, count: 64)
        let before = await lone.target.snapshot().counters
        for vote in [withBytes, signatureOnly, plain] { lone.send(vote, from: "mallory") }
        let held = try await lone.waitUntilHeld(plain)
        let heldExtended = await lone.target.relayHolds(withBytes)
        let heldSignatureOnly = await lone.target.relayHolds(signatureOnly)
        let (counters, disconnects) = await lone.stop()
        #expect(held, "a precommit without extension is accepted")
        #expect(!heldExtended && !heldSignatureOnly)
        #expect(counters.invalidMessages == before.invalidMessages + 2)
        #expect(disconnects.isEmpty, "\(disconnects)")
    }

    @Test("at the enable height a precommit without an extension signature, or with one the app rejects, is not counted")
    func missingOrRejectedExtension() async throws {
        let lone = try await LoneValidator.start(enableHeight: 1)
        let bare = try lone.precommit(by: 1)
        let rejected = lone.extended(try lone.precommit(by: 2), Array("not the kvstore's".utf8), signedBy: 2)
        let good = lone.extended(try lone.precommit(by: 3), KVStoreApplication.voteExtension(at: 1), signedBy: 3)
        // A prevote never carries an extension, and needs none.
        var prevote = bare
        prevote.type = .prevote
        prevote.sign(with: lone.key(1), chainID: lone.chainID)
        let before = await lone.target.snapshot().counters
        for vote in [bare, rejected, prevote, good] { lone.send(vote, from: "alice") }
        let held = try await lone.waitUntilHeld(good)
        let heldBare = await lone.target.relayHolds(bare)
        let heldRejected = await lone.target.relayHolds(rejected)
        let heldPrevote = await lone.target.relayHolds(prevote)
        let (counters, disconnects) = await lone.stop()
        #expect(held && heldPrevote)
        #expect(!heldBare && !heldRejected)
        #expect(counters.invalidMessages == before.invalidMessages + 2)
        #expect(disconnects.isEmpty, "the relaying peer is not blamed for what the validator signed: \(disconnects)")
    }

    /// Issue #13's attack: one real precommit resent with other extension bytes, validly
    /// signed (a validator's app may answer differently each time) or not. What a vote is does
    /// not change with them, so the relay set holds it once and nothing else is checked.
    @Test("one precommit resent with 50 different extensions is one relay entry")
    func resentWithOtherExtensions() async throws {
        let lone = try await LoneValidator.start(enableHeight: 1)
        let vote = try lone.precommit(by: 1)
        let first = lone.extended(vote, KVStoreApplication.voteExtension(at: 1), signedBy: 1)
        lone.send(first, from: "mallory")
        #expect(try await lone.waitUntilHeld(first))
        let entriesBefore = await lone.target.relayEntryCount()
        let before = await lone.target.snapshot().counters
        for n in 0..<50 {
            var copy = lone.extended(vote, Array(repeating: UInt8(n), count: 1_000 + n), signedBy: 1)
            if n % 2 == 1 { copy.extensionSignature = Array(repeating: UInt8(n), count: 64) }
            lone.send(copy, from: "mallory")
        }
        // A marker behind the copies: once it is held, every copy has been handled.
        let marker = lone.extended(try lone.precommit(by: 2), KVStoreApplication.voteExtension(at: 1), signedBy: 2)
        lone.send(marker, from: "mallory")
        let markerHeld = try await lone.waitUntilHeld(marker)
        let entriesAfter = await lone.target.relayEntryCount()
        let kept = await lone.target.relayEntry(vote)
        let (counters, disconnects) = await lone.stop()
        #expect(markerHeld)
        #expect(entriesAfter == entriesBefore + 1, "only the marker was added")
        #expect(kept?.extension == first.extension && kept?.extensionSignature == first.extensionSignature)
        #expect(counters.staleMessages - before.staleMessages == 50, "each copy dropped as held")
        #expect(counters.invalidMessages == before.invalidMessages)
        #expect(disconnects.isEmpty, "\(disconnects)")
    }
}

/// Validator 0 of a four-validator cluster, started alone: it never leaves height 1.
struct LoneValidator {
    static let block = BlockID(hash: Array(repeating: 3, count: 32),
                               partSetHeader: PartSetHeader(total: 1, hash: Array(repeating: 4, count: 32)))

    static let peers = ["alice", "mallory"]

    let cluster: InProcessCluster
    let target: ConsensusDriver

    static func start(enableHeight: Int64) async throws -> LoneValidator {
        let cluster = try InProcessCluster(validators: 4, voteExtensionsFrom: enableHeight)
        try await cluster.start(0)
        guard let target = cluster.members[0].driver else { throw InProcessCluster.ClusterError.key }
        for peer in peers { target.enqueue(.peerConnected(peer)) }
        return LoneValidator(cluster: cluster, target: target)
    }

    var chainID: String { cluster.genesis.chainID }

    func key(_ member: Int) -> Ed25519PrivateKey { cluster.members[member].key }

    /// A precommit by `member` at height 1, round 0 for `block`, its vote signed.
    func precommit(by member: Int) throws -> Vote {
        let address = key(member).publicKey.address
        let index = try #require(try cluster.genesis.validatorSet()?.index(of: address))
        var vote = Vote(type: .precommit, height: 1, round: 0, blockID: Self.block,
                        timestamp: Timestamp(seconds: 1_700_000_100), validatorAddress: address,
                        validatorIndex: Int32(index))
        vote.sign(with: key(member), chainID: chainID)
        return vote
    }

    /// `vote` with `data` as its extension, signed with `member`'s key.
    func extended(_ vote: Vote, _ data: Bytes, signedBy member: Int) -> Vote {
        var out = vote
        out.extension = data
        out.signExtension(with: key(member), chainID: chainID)
        return out
    }

    /// From one of `peers`, connected at the start.
    func send(_ vote: Vote, from peer: String) {
        target.enqueue(.peerMessage(peer: peer, channel: NodeChannel.consensusVote,
                                    bytes: ConsensusWireMessage.vote(vote).encoded()))
    }

    /// Polls until `vote` is in the relay set (events are handled in order, so whatever was
    /// enqueued before it has been handled too); false after 10 s.
    func waitUntilHeld(_ vote: Vote) async throws -> Bool {
        for _ in 0..<500 {
            if await target.relayHolds(vote) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Stops the validator; its counters and the disconnects it asked for.
    func stop() async -> (DriverCounters, [String]) {
        let counters = await target.snapshot().counters
        let disconnects = cluster.network.disconnects.withLock { $0 }
        await cluster.stopAll()
        return (counters, disconnects)
    }
}

extension ConsensusDriver {
    /// Whether the relay set holds `vote` (what it is, not its bytes).
    func relayHolds(_ vote: Vote) -> Bool { reactor.holds(.vote(vote)) }

    /// The held copy of `vote`, as it will be relayed.
    func relayEntry(_ vote: Vote) -> Vote? {
        for entry in reactor.messages.entries where entry.channel == NodeChannel.consensusVote {
            if case .vote(let held)? = try? ConsensusWireMessage(decoding: entry.bytes),
               HeightMessages.key(.vote(held)) == HeightMessages.key(.vote(vote)) {
                return held
            }
        }
        return nil
    }

    func relayEntryCount() -> Int { reactor.messages.entries.count }
}
