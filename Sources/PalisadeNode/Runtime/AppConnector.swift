import Logging
import PalisadeABCI
import PalisadeABCISocket
import PalisadeApps

/// The app `proxy_app` names: an in-process kvstore or staking app with its SQLite file in the
/// data directory, or an ABCI server over a socket (CometBFT-compatible).
enum AppConnector {
    static func connect(_ proxyApp: ProxyApp, dataDirectory: String, kvstore: KVStoreConfig = KVStoreConfig(),
                        staking: StakingConfig = StakingConfig(), logger: Logger) async throws -> any Application {
        switch proxyApp {
        case .kvstore:
            return try await open("/kvstore.db", in: dataDirectory) { path in
                let app = try await KVStoreApplication.open(databasePath: path)
                await app.retain(blocks: kvstore.retainBlocks)
                if kvstore.snapshotInterval > 0 {
                    await app.enableSnapshots(directory: SnapshotDirectory(path: dataDirectory + "/kvstore-snapshots",
                                                                           keepRecent: kvstore.snapshotKeepRecent),
                                              interval: kvstore.snapshotInterval)
                }
                return app
            }
        case .staking:
            return try await open("/staking.db", in: dataDirectory) { path in
                let app = try await StakingApplication.open(databasePath: path)
                if staking.snapshotInterval > 0 {
                    await app.enableSnapshots(directory: SnapshotDirectory(path: dataDirectory + "/staking-snapshots",
                                                                           keepRecent: staking.snapshotKeepRecent),
                                              interval: staking.snapshotInterval)
                }
                return app
            }
        case .tcp(let address):
            return try await socket(.tcp(host: address.host, port: address.port), logger: logger)
        case .unix(let path):
            return try await socket(.unix(path: path), logger: logger)
        }
    }

    private static func open(_ file: String, in directory: String = "",
                             _ opener: (String) async throws -> any Application) async throws -> any Application {
        do { return try await opener(directory + file) } catch {
            throw NodeError.application(call: "open \(directory + file)", reason: "\(error)")
        }
    }

    private static func socket(_ address: ABCIAddress, logger: Logger) async throws -> any Application {
        logger.info("connecting to the app", metadata: ["address": "\(address)"])
        do { return try await ABCISocketClient.connect(to: address, logger: logger) } catch {
            throw NodeError.application(call: "connect", reason: "\(error)")
        }
    }
}
