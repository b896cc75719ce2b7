import Foundation
import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeP2P
import PalisadeState
import PalisadeStorage
import PalisadeTypes
import Synchronization
import Testing

/// A whole node joining a running kvstore chain by state sync, in this process over real sockets.
/// The light-client provider is the lead's (not merged here), so the facts it would verify are
/// read from an honest validator's store instead (`HonestStoreProvider`).
@Suite("State sync end to end: a fresh full node joins from a snapshot and follows the chain", .serialized)
struct StateSyncNodeTests {
    @Test("joins past a snapshot height, pruned below it, answers for an early key, ignores a corrupt peer")
    func joinsFromSnapshot() async throws {
        let snapshotRoot = NSTemporaryDirectory() + "palisade-statesync-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: snapshotRoot) }
        var apps: [Int: any Application] = [:]
        var kvstores: [KVStoreApplication] = []
        for index in 0..<4 {
            let app = KVStoreApplication()
            await app.enableSnapshots(directory: KVSnapshotDirectory(path: "\(snapshotRoot)/\(index)", keepRecent: 3),
                                      interval: 5)
            kvstores.append(app)
            apps[index] = app
        }
        let corrupt = CorruptChunksApp(inner: kvstores[3])
        apps[3] = corrupt
        let cluster = try await SocketCluster.start(validators: 4, apps: apps)

        // An early key, then over 1 MiB of pairs, so the snapshot has two chunks at least and
        // both of the joining node's peers (one of them corrupt) are asked for one.
        let early = Bytes("early=key".utf8)
        #expect(await cluster.nodes[0].mempoolReactor.submit(early).isAccepted)
        for index in 0..<130 {
            let tx = Bytes("bulk\(index)=".utf8) + Bytes(repeating: UInt8(ascii: "a") &+ UInt8(index % 26), count: 10_000)
            _ = await cluster.nodes[0].mempoolReactor.submit(tx)
        }
        var committedAt: Int64?
        for _ in 0..<600 where committedAt == nil {
            committedAt = try cluster.nodes[0].blockStore.txLocation(hash: SHA256Hash.digest(early))?.height
            try await Task.sleep(for: .milliseconds(100))
        }
        let earlyHeight = try #require(committedAt, "the early key is committed")
        // The joining node must find a snapshot (every 5 heights) taken after all the pairs.
        #expect(await cluster.waitForHeight(max(12, earlyHeight + 11)))

        let joining = try await Self.fullNode(cluster: cluster, peers: [0, 3])
        let task = Task { try await joining.node.run() }
        defer { joining.node.stop() }
        let joinedAt = cluster.height(0)
        var caughtUp = false
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if (try? joining.node.blockStore.latestHeight()) ?? 0 >= joinedAt + 3 { caughtUp = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(caughtUp)
        let base = try joining.node.blockStore.baseHeight()
        #expect(base > earlyHeight + 1, "the node starts past a snapshot, not from block 1")
        #expect(base > 1)
        let answer = try await joining.app.query(QueryRequest(data: Bytes("early".utf8)))
        #expect(answer.value == Bytes("key".utf8))
        let latest = try joining.node.blockStore.latestHeight()
        #expect(try joining.node.blockStore.blockID(at: latest) == cluster.nodes[0].blockStore.blockID(at: latest))
        // Two chunks, two peers: the corrupt validator was asked for one, its chunk was refused
        // by the app and fetched again from the honest one.
        #expect(corrupt.served.withLock { $0 } > 0)
        let corruptID = cluster.nodes[3].home.nodeKey.id
        #expect(joining.recorder.rejectedSenders.withLock { $0 } == [corruptID])
        joining.node.stop()
        _ = await task.result
        await cluster.stop()
    }

    struct Joining {
        var node: Node
        var app: KVStoreApplication
        var recorder: RejectionRecorder
    }

    /// A non-validator home with the cluster's genesis, dialling the listed validators, with
    /// `[statesync] enable`.
    static func fullNode(cluster: SocketCluster, peers: [Int]) async throws -> Joining {
        let ports = try SocketCluster.freePortRange(count: 2)
        var addresses: [PeerAddress] = []
        for index in peers {
            let home = cluster.nodes[index].home
            addresses.append(try PeerAddress(parsing: "\(home.nodeKey.id)@127.0.0.1:\(home.config.p2p.laddr.port)"))
        }
        var generator = SystemRandomNumberGenerator()
        let options = InitOptions(genesisFile: cluster.nodes[0].home.home.genesisFile, persistentPeers: addresses,
                                  p2pLaddr: ListenAddress(host: "127.0.0.1", port: ports),
                                  rpcLaddr: ListenAddress(host: "127.0.0.1", port: ports + 1))
        var loaded = try NodeHome.initialize(root: cluster.root + "/joining", chainID: nil, moniker: "joining",
                                             genesisTime: Timestamp.genesisNow(), options: options, using: &generator)
        loaded.home.config.txIndex.indexer = .null
        loaded.home.config.stateSync.enable = true
        loaded.home.config.stateSync.discoveryTime = 1_000
        loaded.home.config.stateSync.chunkRequestTimeout = 2_000
        var logger = Logger(label: "joining")
        logger.logLevel = .error
        let app = KVStoreApplication()
        let recorder = RejectionRecorder(inner: app)
        let node = try await Node(home: loaded, application: recorder,
                                  stateProvider: HonestStoreProvider(store: cluster.nodes[0].blockStore), logger: logger)
        return Joining(node: node, app: app, recorder: recorder)
    }
}

/// A validator's kvstore that serves every snapshot chunk with one byte flipped.
final class CorruptChunksApp: ApplicationWrapper, Sendable {
    let inner: any Application
    let served = Mutex(0)

    init(inner: any Application) {
        self.inner = inner
    }

    func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        var chunk = try await inner.loadSnapshotChunk(request)
        guard !chunk.isEmpty else { return chunk }
        chunk[chunk.count / 2] ^= 0xFF
        served.withLock { $0 += 1 }
        return chunk
    }
}

/// The joining node's kvstore, remembering which senders its restore refused.
final class RejectionRecorder: ApplicationWrapper, Sendable {
    let inner: any Application
    let rejectedSenders = Mutex<Set<String>>([])

    init(inner: any Application) {
        self.inner = inner
    }

    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        let response = try await inner.applySnapshotChunk(request)
        rejectedSenders.withLock { $0.formUnion(response.rejectSenders) }
        return response
    }
}

/// What the light-client provider would verify, read from an honest node's store: the app hash
/// in header H+1, the commit of H, and the state after H rebuilt from headers H and H+1 and the
/// validator sets of H, H+1 and H+2 (as CometBFT's provider rebuilds it from light blocks).
struct HonestStoreProvider: StateSyncStateProvider {
    let store: BlockStore

    struct NotStored: Error, CustomStringConvertible {
        var description: String
    }

    func appHash(height: Int64) async throws -> Bytes {
        guard let next = try store.block(at: height + 1) else { throw NotStored(description: "block \(height + 1)") }
        return next.header.appHash
    }

    func commit(height: Int64) async throws -> Commit {
        guard let commit = try store.commit(at: height)?.commit else { throw NotStored(description: "commit \(height)") }
        return commit
    }

    func state(height: Int64) async throws -> ChainState {
        guard let block = try store.block(at: height), let next = try store.block(at: height + 1),
              let last = try store.validators(at: height), let current = try store.validators(at: height + 1),
              let following = try store.validators(at: height + 2), let params = try store.consensusParams(at: height + 1),
              let latest = try store.latestState()
        else { throw NotStored(description: "the state after \(height)") }
        return ChainState(chainID: block.header.chainID, initialHeight: latest.initialHeight, lastBlockHeight: height,
                          lastBlockID: next.header.lastBlockID, lastBlockTime: block.header.time, validators: current,
                          nextValidators: following, lastValidators: last,
                          lastHeightValidatorsChanged: latest.lastHeightValidatorsChanged, consensusParams: params,
                          lastHeightConsensusParamsChanged: latest.lastHeightConsensusParamsChanged,
                          lastResultsHash: next.header.lastResultsHash, appHash: next.header.appHash,
                          version: next.header.version)
    }
}
