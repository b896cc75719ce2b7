import Foundation
import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
import PalisadeMempool
@testable import PalisadeNode
import PalisadeStorage
import PalisadeTypes
import Synchronization
import Testing

/// Four in-process validators with vote extensions enabled at a height: they commit past it, the
/// kvstore extends every precommit for a block from that height on and checks the others', and
/// each proposer after it sees the validators' signed extensions in PrepareProposal.
@Suite("Vote extensions: in-process localnets")
struct VoteExtensionLocalnetTests {
    @Test("commits past the enable height; PrepareProposal sees each validator's signed extension")
    func localnet() async throws {
        let cluster = try InProcessCluster(validators: 4, voteExtensionsFrom: 5)
        let recorders = cluster.members.map { ExtensionRecorder(inner: $0.app) }
        for index in cluster.members.indices { cluster.members[index].wrapped = recorders[index] }
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(9)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "heights \(cluster.members.map { $0.store.latestHeight })")

        let chainID = cluster.genesis.chainID
        let keys = Dictionary(uniqueKeysWithValues: cluster.members.map { ($0.key.publicKey.address, $0.key.publicKey) })
        var seen: [Int64: ExtendedCommitInfo] = [:]
        for recorder in recorders { seen.merge(recorder.proposals.withLock { $0 }) { first, _ in first } }
        var extendedBy: Set<Address> = []
        for (height, info) in seen.sorted(by: { $0.key < $1.key }) {
            let committed = info.votes.filter { $0.blockIDFlag == .commit }
            if height <= 5 {
                // The commit of a height before 5 has no extensions to show.
                #expect(info.votes.allSatisfy { $0.voteExtension.isEmpty && $0.extensionSignature.isEmpty },
                        "height \(height)")
                continue
            }
            #expect(committed.count >= 3, "height \(height): +2/3 of the four precommitted")
            for vote in committed {
                #expect(vote.voteExtension == KVStoreApplication.voteExtension(at: height - 1), "height \(height)")
                var precommit = Vote(type: .precommit, height: height - 1, round: info.round, blockID: .zero,
                                     timestamp: Timestamp(seconds: 0), validatorAddress: vote.address, validatorIndex: 0)
                precommit.extension = vote.voteExtension
                precommit.extensionSignature = vote.extensionSignature
                let key = try #require(keys[vote.address])
                #expect(precommit.verifyExtensionSignature(chainID: chainID, publicKey: key),
                        "height \(height): the extension signature is the validator's")
                extendedBy.insert(vote.address)
            }
        }
        #expect(seen.keys.contains { $0 > 5 }, "some proposer above height 5 was recorded: \(seen.keys.sorted())")
        #expect(extendedBy == Set(keys.keys), "every validator's extension was seen")
        #expect(recorders.allSatisfy { $0.verified.withLock { $0 } > 0 }, "each app checked peers' extensions")

        // The store keeps each extended commit from the enable height on, so a restarted
        // validator still has the last height's extensions for PrepareProposal.
        let store = cluster.members[0].store
        let stored = store.latestHeight
        #expect(try store.extendedCommit(at: 4) == nil)
        let last = try #require(try store.extendedCommit(at: stored))
        #expect(last.extensions.contains { $0.data == KVStoreApplication.voteExtension(at: stored) })
        let restarted = try await cluster.restartedDriver(0)
        let extensions = await restarted.lastCommitExtensions
        #expect(extensions == last.extensions)
        cluster.removeFiles()
    }
}

extension VoteExtensionLocalnetTests {
    /// Every validator down at once past the enable height: WAL replay extends a precommit it
    /// signed but had not logged, the last extended commit comes back from the store, and every
    /// height stored after the restart keeps its precommits' extensions.
    @Test("all four restart together past the enable height; every stored height keeps its extensions")
    func fullRestart() async throws {
        let cluster = try InProcessCluster(validators: 4, voteExtensionsFrom: 3)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(5))
        for member in cluster.members.indices { await cluster.crash(member) }
        let before = cluster.members.map { $0.store.latestHeight }.max() ?? 0
        try await cluster.startAll()
        let reached = await cluster.waitForHeight(before + 3)
        await cluster.stopAll(removeFiles: false)
        #expect(reached, "stuck below \(before + 3) at \(cluster.members.map { $0.store.latestHeight })")
        try cluster.expectOneHashPerHeight()
        let store = cluster.members[0].store
        for height in Int64(1)...store.latestHeight {
            let extended = try store.extendedCommit(at: height)
            guard height >= 3 else {
                #expect(extended == nil, "height \(height) is before the enable height")
                continue
            }
            let commit = try #require(extended, "height \(height)")
            for (sig, ext) in zip(commit.commit.signatures, commit.extensions) where sig.blockIDFlag == .commit {
                #expect(ext.data == KVStoreApplication.voteExtension(at: height) && ext.signature.count == 64,
                        "height \(height)")
            }
        }
        cluster.removeFiles()
    }
}

extension InProcessCluster {
    /// A cluster whose genesis enables vote extensions from `height` on.
    convenience init(validators: Int, voteExtensionsFrom height: Int64) throws {
        var params = ConsensusParams.default
        params.abci.voteExtensionsEnableHeight = height
        try self.init(validators: validators, consensusParams: params)
    }

    /// A driver for member `index` built on its stored state, not started: what a restart loads.
    func restartedDriver(_ index: Int) async throws -> ConsensusDriver {
        let member = members[index]
        let state = try #require(try member.store.latestState())
        let wal = try ConsensusWAL(path: member.directory + "/cs.wal")
        let logger = Logger(label: member.id)
        return ConsensusDriver(chainID: genesis.chainID, state: state, config: timeouts, signer: nil, wal: wal,
                               store: member.store, app: member.app, mempool: Mempool(app: member.app, height: 0),
                               evidence: try EvidencePool(chainID: genesis.chainID, state: state, store: member.store,
                                                          network: network.endpoint(member.id), logger: logger),
                               network: network.endpoint(member.id), observer: .none, logger: logger)
    }
}

/// The kvstore, recording what PrepareProposal was shown of the previous commit (by height) and
/// how many peers' extensions it was asked to verify.
final class ExtensionRecorder: ApplicationWrapper, Sendable {
    let inner: any Application
    let proposals = Mutex<[Int64: ExtendedCommitInfo]>([:])
    let verified = Mutex(0)

    init(inner: KVStoreApplication) { self.inner = inner }

    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        proposals.withLock { $0[request.height] = request.localLastCommit }
        return try await inner.prepareProposal(request)
    }

    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        verified.withLock { $0 += 1 }
        return try await inner.verifyVoteExtension(request)
    }
}
