import Foundation
import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeConsensus
import PalisadeCrypto
import PalisadeMempool
@testable import PalisadeNode
import PalisadeState
import PalisadeStorage
import PalisadeTypes

/// N validators in one process: real signers and WALs in a temporary folder, the kvstore app,
/// in-memory block stores, and a loopback network. For exercising the consensus shell without
/// sockets; real processes are tested end to end elsewhere.
final class InProcessCluster: @unchecked Sendable {
    struct Member {
        var id: String
        var key: Ed25519PrivateKey
        var directory: String
        var store: MemoryChainStore
        var app: KVStoreApplication
        /// When set, the app the node talks to is this wrapper around `app`.
        var wrapped: (any Application)?
        var driver: ConsensusDriver?
        var mempool: Mempool?
        var evidence: EvidencePool?
        var task: Task<Void, any Error>?
    }

    let network = LoopbackNetwork()
    let genesis: GenesisDoc
    let root: String
    var members: [Member] = []
    var timeouts = TimeoutConfig()
    /// `create_empty_blocks` and `skip_timeout_commit` for every member started from now on.
    var production = BlockProduction()
    /// Block sync's limits for every member started from now on (the driver's defaults if nil).
    var syncLimits: BlockSyncPool.Limits?
    /// A member's WAL (opened at the given path) and signer, for tests that watch the driver's
    /// port calls; the member's index comes first.
    var portsOverride: (@Sendable (Int, String, FilePrivValidator) throws -> (any ConsensusLog, any ConsensusSigner))?

    /// `fullNodes` more members run the same node with keys that are not in the genesis: they
    /// follow the chain without signing.
    init(validators: Int, powers: [Int64]? = nil, fullNodes: Int = 0, consensusParams: ConsensusParams = .default) throws {
        root = NSTemporaryDirectory() + "palisade-cluster-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var genesisValidators: [GenesisValidator] = []
        for index in 0..<(validators + fullNodes) {
            let seed = SHA256Hash.digest(Array("in-process-cluster/\(index)".utf8))
            guard let key = Ed25519PrivateKey(seed: seed) else { throw ClusterError.key }
            let directory = root + "/node\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try PrivValidatorKey(privateKey: key).jsonData()
                .write(to: URL(fileURLWithPath: directory + "/priv_validator_key.json"))
            members.append(Member(id: "node\(index)", key: key, directory: directory, store: MemoryChainStore(),
                                  app: KVStoreApplication()))
            if index < validators {
                genesisValidators.append(GenesisValidator(publicKey: key.publicKey, power: powers?[index] ?? 10))
            }
        }
        genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1_700_000_000), chainID: "in-process",
                             consensusParams: consensusParams, validators: genesisValidators)
        timeouts.timeoutPropose = 400
        timeouts.timeoutPrevote = 100
        timeouts.timeoutPrecommit = 100
        timeouts.timeoutCommit = 10
    }

    enum ClusterError: Error { case key }

    func start(_ index: Int) async throws {
        var member = members[index]
        var logger = Logger(label: member.id)
        logger.logLevel = .warning
        let app: any Application = member.wrapped ?? member.app
        let state = try await Handshake(app: app, store: member.store, genesis: genesis, logger: logger).run()
        let signer = try FilePrivValidator(keyPath: member.directory + "/priv_validator_key.json",
                                           statePath: member.directory + "/priv_validator_state.json")
        let wal: any ConsensusLog
        let consensusSigner: any ConsensusSigner
        if let portsOverride {
            (wal, consensusSigner) = try portsOverride(index, member.directory + "/cs.wal", signer)
        } else {
            (wal, consensusSigner) = (try ConsensusWAL(path: member.directory + "/cs.wal"), signer)
        }
        let mempool = Mempool(app: app, height: state.lastBlockHeight)
        let evidence = try EvidencePool(chainID: genesis.chainID, state: state, store: member.store,
                                        network: network.endpoint(member.id), logger: logger)
        let driver = ConsensusDriver(chainID: genesis.chainID, state: state, config: timeouts, signer: consensusSigner, wal: wal,
                                     store: member.store, app: app, mempool: mempool, evidence: evidence,
                                     network: network.endpoint(member.id), production: production, observer: .none,
                                     logger: logger)
        if let syncLimits { await driver.setSyncLimits(syncLimits) }
        member.driver = driver
        member.mempool = mempool
        member.evidence = evidence
        member.task = Task {
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(200))
                    driver.enqueue(.heartbeat)
                }
            }
            defer { heartbeat.cancel() }
            try await driver.run()
        }
        members[index] = member
        network.attach(member.id, driver, evidence: evidence)
    }

    func startAll() async throws {
        for index in members.indices { try await start(index) }
    }

    /// Stops a member as a crash between two events would: its task is cancelled after the
    /// event in hand (nothing queued behind it is handled), its files and store stay, its memory
    /// is lost. `freshApp` loses the in-memory app's state too, so the handshake finds the app at
    /// height 0 and replays every stored block (an app behind the store by any amount).
    func crash(_ index: Int, freshApp: Bool = false) async {
        network.detach(members[index].id)
        members[index].task?.cancel()
        members[index].driver?.stop()
        _ = await members[index].task?.result
        members[index].driver = nil
        members[index].task = nil
        if freshApp { members[index].app = KVStoreApplication() }
    }

    func stopAll(removeFiles: Bool = true) async {
        for index in members.indices where members[index].driver != nil { await crash(index) }
        if removeFiles { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Polls until every listed member has stored `height`; false after `seconds`.
    func waitForHeight(_ height: Int64, members indices: [Int]? = nil, seconds: Double = 60) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (indices ?? Array(members.indices)).allSatisfy({ members[$0].store.latestHeight >= height }) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
