import Logging
import PalisadeABCI
import PalisadeState
import PalisadeTypes

/// Start-up agreement between the node's store and the app (ARCHITECTURE §5 rule 3, CometBFT's
/// `Handshaker`): ask the app where it is with Info, run InitChain on a fresh chain, and replay
/// stored blocks the app has not committed. The app may be behind the store (it crashed before
/// its Commit, or it is a new app process), never ahead.
public struct Handshake: Sendable {
    static let softwareVersion = "0.38.0-palisade"
    static let blockProtocol: UInt64 = 11
    static let p2pProtocol: UInt64 = 8

    let app: any Application
    let store: any ChainStore
    let genesis: GenesisDoc
    let logger: Logger

    public init(app: any Application, store: any ChainStore, genesis: GenesisDoc, logger: Logger) {
        self.app = app
        self.store = store
        self.genesis = genesis
        self.logger = logger
    }

    /// The state consensus starts from.
    public func run() async throws -> ChainState {
        let info: InfoResponse
        do {
            info = try await app.info(InfoRequest(version: Self.softwareVersion, blockVersion: Self.blockProtocol,
                                                  p2pVersion: Self.p2pProtocol, abciVersion: "2.0.0"))
        } catch {
            throw NodeError.application(call: "Info", reason: "\(error)")
        }
        let stored: ChainState?
        do { stored = try store.latestState() } catch { throw NodeError.storage("reading the latest state: \(error)") }
        guard info.lastBlockHeight >= 0 else {
            throw NodeError.handshake("the app reported a negative last block height (\(info.lastBlockHeight)) in Info")
        }
        logger.info("handshake", metadata: ["app_height": "\(info.lastBlockHeight)",
                                            "app_hash": "\(info.lastBlockAppHash.upperHex)",
                                            "store_height": "\(stored?.lastBlockHeight ?? 0)"])

        guard var state = stored else {
            guard info.lastBlockHeight == 0 else {
                throw NodeError.handshake("the app is at height \(info.lastBlockHeight) but this node has no blocks; "
                    + "reset the app's data or restore the node's data directory")
            }
            let initial = try await initChain(appVersion: info.appVersion)
            do { try store.saveInitialState(initial) } catch { throw NodeError.storage("saving the genesis state: \(error)") }
            return initial
        }

        let storeHeight = state.lastBlockHeight
        let appHeight = info.lastBlockHeight
        guard appHeight <= storeHeight else {
            throw NodeError.handshake("the app is at height \(appHeight), ahead of this node's store at \(storeHeight); "
                + "the app's data belongs to another node or chain")
        }
        if appHeight == 0, storeHeight == 0 {
            // The store has only the state InitChain gave before the first block, but the app
            // kept InitChain's result in memory until a Commit that never came (a restart before
            // the first block): it must be told the genesis again, as CometBFT does whenever an
            // app reports height 0. The answer replaces the stored initial state.
            let initial = try await initChain(appVersion: info.appVersion)
            do { try store.saveInitialState(initial) } catch { throw NodeError.storage("saving the genesis state: \(error)") }
            return initial
        }
        if appHeight == storeHeight {
            if info.lastBlockAppHash != state.appHash {
                throw NodeError.appHashMismatch(height: storeHeight, ours: info.lastBlockAppHash, network: state.appHash)
            }
            return state
        }
        let first = max(appHeight + 1, state.initialHeight)
        let base: Int64
        do { base = try store.baseHeight() } catch { throw NodeError.storage("reading the store's base: \(error)") }
        guard first >= base else {
            // CometBFT's ErrAppBlockHeightTooLow: the blocks the app lacks were pruned.
            throw NodeError.handshake("the app is at height \(appHeight) but this node's store begins at \(base) "
                + "(the blocks below were pruned): restore the app's data, or start this node afresh from its peers")
        }
        if appHeight == 0 {
            // A fresh app behind a non-empty store: it needs the genesis before the blocks.
            _ = try await initChain(appVersion: info.appVersion)
        }
        logger.notice("replaying blocks the app has not committed", metadata: ["from": "\(first)", "to": "\(storeHeight)"])
        for height in first...storeHeight {
            try await replay(height: height, into: &state)
        }
        return state
    }

    private func initChain(appVersion: UInt64) async throws -> ChainState {
        let request = InitChainRequest(
            time: genesis.genesisTime, chainID: genesis.chainID, consensusParams: genesis.consensusParams,
            validators: genesis.validators.map { ValidatorUpdate(publicKey: $0.publicKey, power: $0.power) },
            appStateBytes: genesis.appState, initialHeight: genesis.initialHeight)
        let response: InitChainResponse
        do { response = try await app.initChain(request) } catch {
            throw NodeError.application(call: "InitChain", reason: "\(error)")
        }
        do { return try ChainState(genesis: genesis, initChain: response, appVersion: appVersion) } catch {
            throw NodeError.handshake("\(error)")
        }
    }

    /// Re-executes stored block `height` on the app and checks it reaches the stored app hash.
    /// `state` is the latest stored state; only the fields the FinalizeBlock request reads from
    /// the state before the block (the last validators) are set back for the call.
    private func replay(height: Int64, into state: inout ChainState) async throws {
        let block: Block?
        let expectedAppHash: Bytes?
        do {
            block = try store.block(at: height)
            // With `discard_abci_responses` only the latest answer is kept; the next block's
            // header carries the same app hash.
            expectedAppHash = try store.finalizeBlockResponse(at: height)?.appHash
                ?? store.block(at: height + 1)?.header.appHash
        } catch {
            throw NodeError.storage("reading block \(height) for replay: \(error)")
        }
        guard let block, let expectedAppHash else {
            throw NodeError.storage("block \(height) or its FinalizeBlock response is missing from the store")
        }
        var before = state
        before.lastValidators = height == state.initialHeight ? nil : (try? store.validators(at: height - 1)) ?? nil
        let executor = BlockExecutor(app: app, store: store)
        let response = try await executor.finalize(block, blockID: block.blockID, state: before)
        guard response.appHash == expectedAppHash else {
            throw NodeError.appHashMismatch(height: height, ours: response.appHash, network: expectedAppHash)
        }
        do { _ = try await app.commit() } catch { throw NodeError.application(call: "Commit", reason: "\(error)") }
    }
}
