import Foundation
import Logging
import PalisadeIndexer
import PalisadeRPC
import PalisadeStorage

/// `palisade inspect` (CometBFT's `inspect`): the RPC server over a stopped node's data. It holds
/// the home lock for as long as it serves, so the node cannot start and write beneath it.
public final class Inspector: Sendable {
    let server: RPCServer
    private let lock: HomeLock
    private let store: BlockStore

    /// Opens the home's stores; the RPC listens on the config's `[rpc] laddr`, or on `rpcAddress`.
    public init(home: LoadedHome, rpcAddress: ListenAddress? = nil, logger: Logger) throws {
        let paths = home.home
        guard FileManager.default.fileExists(atPath: paths.blockStoreFile) else {
            throw NodeError.storage("\(paths.blockStoreFile): no block store to inspect")
        }
        do { lock = try HomeLock(path: paths.lockFile) } catch {
            throw NodeError.storage("\(paths.lockFile) is locked: the node is running; inspect serves a stopped node")
        }
        store = try BlockStore(path: paths.blockStoreFile,
                               discardFinalizeBlockResponses: home.config.storage.discardABCIResponses)
        let indexPath = paths.dataDirectory + "/tx_index.db"
        let index = FileManager.default.fileExists(atPath: indexPath) ? try EventIndex(path: indexPath) : nil
        let laddr = rpcAddress ?? home.config.rpc.laddr
        var configuration = RPCServerConfiguration(host: laddr.host, port: laddr.port)
        configuration.maxBodyBytes = home.config.rpc.maxBodyBytes
        configuration.maxOpenConnections = home.config.rpc.maxOpenConnections
        let backend = InspectRPCBackend(home: home, reads: StoredChainReads(store: store, index: index))
        server = RPCServer(backend: backend, configuration: configuration, logger: logger)
    }

    /// The bound port, once listening.
    public func listeningPort() async -> Int { await server.listeningPort() }

    /// Serves until the task is cancelled; the lock is held as long as this object lives.
    public func run() async throws {
        try await server.run()
    }
}
