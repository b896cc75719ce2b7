import Logging
import PalisadeABCI
import PalisadeP2P
import PalisadeState
import PalisadeTypes

/// The node's state-sync boot path (CometBFT's `startStateSync`): on a fresh home with
/// `[statesync] enable`, the app is restored from a peer's snapshot before consensus starts,
/// the store and the driver are bootstrapped at the snapshot's height, and block sync takes the
/// node from there to the tip.
extension Node {
    /// The provider to verify snapshots with, when this start state-syncs: `enable` on a home
    /// with no blocks whose app is at height 0. A home that already has blocks, or an app that
    /// does, ignores `enable` with a log line, as CometBFT does.
    static func stateSyncProvider(config: StateSyncConfig, injected: (any StateSyncStateProvider)?, store: any ChainStore,
                                  app: any Application, genesis: GenesisDoc,
                                  logger: Logger) async throws -> (any StateSyncStateProvider)? {
        guard config.enable else { return nil }
        let storedHeight: Int64
        do { storedHeight = try store.latestState()?.lastBlockHeight ?? 0 } catch {
            throw NodeError.storage("reading the latest state: \(error)")
        }
        let info: InfoResponse
        do { info = try await app.info(InfoRequest(version: Handshake.softwareVersion, blockVersion: Handshake.blockProtocol)) } catch {
            throw NodeError.application(call: "Info", reason: "\(error)")
        }
        guard storedHeight == 0, info.lastBlockHeight == 0 else {
            logger.notice("state sync is enabled but this node already has state; starting from it instead",
                          metadata: ["store_height": "\(storedHeight)", "app_height": "\(info.lastBlockHeight)"])
            return nil
        }
        if let injected { return injected }
        do { return try await StateProviderFactory.makeStateProvider(config: config, genesis: genesis, logger: logger) } catch {
            throw NodeError.handshake("[statesync]: \(error)")
        }
    }

    static func stateSyncOptions(_ config: StateSyncConfig, transport: P2PConfiguration) -> StateSyncer.Options {
        // A chunk response is the chunk plus a few varints of envelope.
        StateSyncer.Options(discoveryTime: config.discoveryTime, chunkRequestTimeout: config.chunkRequestTimeout,
                            chunkFetchers: config.chunkFetchers, maxChunkBytes: transport.maxMessageSize - 64)
    }

    /// Runs the sync, then bootstraps the store and the driver. False when stopped meanwhile.
    func completeStateSync(_ syncer: StateSyncer) async throws -> Bool {
        let task = Task { try await syncer.sync() }
        stateSyncTask.withLock { $0 = task }
        let result: StateSyncer.Result
        do { result = try await task.value } catch is CancellationError {
            return false
        } catch {
            throw NodeError.handshake("state sync failed: \(error)")
        }
        stateSyncTask.withLock { $0 = nil }
        await stateSync.attach(nil)
        let height = result.state.lastBlockHeight
        do { try SQLiteChainStore(store: blockStore).bootstrap(state: result.state, commit: result.commit) } catch {
            throw NodeError.storage("bootstrapping the store at height \(height): \(error)")
        }
        await driver.bootstrap(state: result.state, commit: result.commit)
        stateSyncing.withLock { $0 = false }
        logger.notice("state sync done; block sync takes over", metadata: ["height": "\(height)"])
        return true
    }

    /// `/status` `catching_up`: state sync or block sync is running.
    func isCatchingUp() async -> Bool {
        if stateSyncing.withLock({ $0 }) { return true }
        return await driver.isCatchingUp()
    }
}
