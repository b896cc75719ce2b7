import Foundation
import Glibc
import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
@testable import PalisadeNode
import PalisadeP2P
import PalisadeTypes

/// Whole validators in this process, each with its real switch on 127.0.0.1, RPC server and
/// in-process kvstore: what an attacker on the network meets. The attacker side is
/// `attacker(seed:target:)`: Palisade's own transport dialling a validator with a key of its own,
/// so it speaks the protocol as well as any node and can then send what no honest node would.
final class SocketCluster: Sendable {
    let root: String
    let nodes: [Node]
    private let tasks: [Task<Void, any Error>]

    private init(root: String, nodes: [Node], tasks: [Task<Void, any Error>]) {
        self.root = root
        self.nodes = nodes
        self.tasks = tasks
    }

    /// `apps[i]`, when given, is validator i's application (a wrapper around a kvstore, say).
    static func start(validators: Int = 4, apps: [Int: any Application] = [:]) async throws -> SocketCluster {
        let root = NSTemporaryDirectory() + "palisade-sockets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var plan = TestnetPlan()
        plan.validators = validators
        plan.chainID = "sockets"
        plan.portStep = 2
        plan.p2pPort = try freePortRange(count: 2 * validators)
        plan.rpcPort = plan.p2pPort + 1
        plan.timeoutCommit = 100
        var generator = SystemRandomNumberGenerator()
        let homes = try plan.write(to: root, genesisTime: Timestamp.genesisNow(), using: &generator)
        var nodes: [Node] = []
        for (index, home) in homes.enumerated() {
            var loaded = try home.load()
            loaded.home.config.consensus.timeoutPropose = 1_000
            loaded.home.config.consensus.timeoutPrevote = 200
            loaded.home.config.consensus.timeoutPrecommit = 200
            loaded.home.config.txIndex.indexer = .null
            var logger = Logger(label: "node\(index)")
            logger.logLevel = .error
            nodes.append(try await Node(home: loaded, application: apps[index] ?? KVStoreApplication(), logger: logger))
        }
        let tasks = nodes.map { node in Task { try await node.run() } }
        return SocketCluster(root: root, nodes: nodes, tasks: tasks)
    }

    func height(_ index: Int) -> Int64 { (try? nodes[index].blockStore.latestHeight()) ?? 0 }

    /// Polls until every listed validator has stored `height`; false after a generous deadline
    /// (a hang guard, not a timing assertion).
    func waitForHeight(_ height: Int64, validators indices: [Int]? = nil) async -> Bool {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if (indices ?? Array(nodes.indices)).allSatisfy({ self.height($0) >= height }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// A hostile peer's connection to one validator, and its own node ID (the connection's
    /// `peerID` is the validator's).
    struct Attacker {
        let connection: PeerConnection
        let id: String
    }

    /// A connection to validator `target`, authenticated with a node key drawn from `seed`.
    func attacker(seed: UInt64, target: Int) async throws -> Attacker {
        var generator = SeededGenerator(seed: seed)
        let key = NodeKey.generate(using: &generator)
        let port = await nodes[target].peerSwitch.listenPort
        // It says it is on the chain: a peer of another chain is turned away before it can send anything.
        let configuration = P2PConfiguration(nodeInfo: NodeInfo(nodeID: "", network: nodes[target].home.genesis.chainID))
        let connection = try await P2PTransport(configuration: configuration).dial(
            host: "127.0.0.1", port: port, expectedID: nil, nodeKey: key)
        return Attacker(connection: connection, id: key.id)
    }

    func stop() async {
        for node in nodes { node.stop() }
        for task in tasks { _ = await task.result }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `count` consecutive ports that were free a moment ago, below Linux's ephemeral range.
    static func freePortRange(count: Int) throws -> Int {
        for _ in 0..<100 {
            let base = Int.random(in: 20_000..<30_000)
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw CocoaError(.fileWriteUnknown)
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Blocks each `finalizeBlock` at `height` until `open()`: a validator whose consensus is slow
/// (a stuck app, a slow disk) while its peers keep sending.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

/// A kvstore whose FinalizeBlock of one height waits for a gate.
struct StallingApp: Application {
    let app = KVStoreApplication()
    let height: Int64
    let gate: Gate

    func info(_ request: InfoRequest) async throws -> InfoResponse { try await app.info(request) }
    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse { try await app.initChain(request) }
    func checkTx(_ request: CheckTxRequest) async throws -> CheckTxResponse { try await app.checkTx(request) }
    func query(_ request: QueryRequest) async throws -> QueryResponse { try await app.query(request) }
    func prepareProposal(_ request: PrepareProposalRequest) async throws -> PrepareProposalResponse {
        try await app.prepareProposal(request)
    }
    func processProposal(_ request: ProcessProposalRequest) async throws -> ProcessProposalResponse {
        try await app.processProposal(request)
    }
    func extendVote(_ request: ExtendVoteRequest) async throws -> ExtendVoteResponse { try await app.extendVote(request) }
    func verifyVoteExtension(_ request: VerifyVoteExtensionRequest) async throws -> VerifyVoteExtensionResponse {
        try await app.verifyVoteExtension(request)
    }
    func finalizeBlock(_ request: FinalizeBlockRequest) async throws -> FinalizeBlockResponse {
        if request.height == height { await gate.wait() }
        return try await app.finalizeBlock(request)
    }
    func commit() async throws -> CommitResponse { try await app.commit() }
    func listSnapshots() async throws -> [Snapshot] { try await app.listSnapshots() }
    func offerSnapshot(_ request: OfferSnapshotRequest) async throws -> OfferSnapshotResponse {
        try await app.offerSnapshot(request)
    }
    func loadSnapshotChunk(_ request: LoadSnapshotChunkRequest) async throws -> Bytes {
        try await app.loadSnapshotChunk(request)
    }
    func applySnapshotChunk(_ request: ApplySnapshotChunkRequest) async throws -> ApplySnapshotChunkResponse {
        try await app.applySnapshotChunk(request)
    }
}
