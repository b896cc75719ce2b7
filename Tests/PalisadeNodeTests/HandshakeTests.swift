import Logging
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
import PalisadeStorage
@testable import PalisadeNode
import PalisadeTypes
import Synchronization
import Testing

@Suite("Handshake with the app")
struct HandshakeTests {
    /// CometBFT calls InitChain whenever the app reports height 0. An app that keeps InitChain's
    /// result in memory until its first Commit (the kvstore, the staking app) has lost it after a
    /// restart before the first block, though the store already holds the initial state.
    @Test("InitChain again when the app reports height 0 and the store holds only the initial state")
    func initChainAgainBeforeTheFirstBlock() async throws {
        let store = MemoryChainStore()
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 1, count: 32)))
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1_700_000_000), chainID: "handshake",
                                 validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
        let logger = Logger(label: "handshake")
        let first = CountingApp()
        let initial = try await Handshake(app: first, store: store, genesis: genesis, logger: logger).run()
        #expect(first.initChains.withLock { $0 } == 1)
        let second = CountingApp()
        let again = try await Handshake(app: second, store: store, genesis: genesis, logger: logger).run()
        #expect(second.initChains.withLock { $0 } == 1)
        #expect(again == initial)
        #expect(try store.latestState() == initial)
    }

    /// An app's Info answer is input: a negative height once made the replay range crash.
    @Test("an app reporting a negative height is refused with a clear error")
    func negativeAppHeightIsRefused() async throws {
        let store = MemoryChainStore()
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 2, count: 32)))
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1_700_000_000), chainID: "handshake",
                                 validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
        let logger = Logger(label: "handshake")
        _ = try await Handshake(app: CountingApp(), store: store, genesis: genesis, logger: logger).run()
        let error = await #expect(throws: NodeError.self) {
            try await Handshake(app: NegativeHeightApp(), store: store, genesis: genesis, logger: logger).run()
        }
        #expect(String(describing: error).contains("negative last block height"))
    }
}

extension HandshakeTests {
    /// CometBFT's ErrAppBlockHeightTooLow: the blocks an app lacks may be pruned; the app is not
    /// sent InitChain or any block, and the error says why.
    @Test("an app whose next block is below the store's base is refused before InitChain")
    func appBelowTheBaseIsRefused() async throws {
        let store = MemoryChainStore()
        var workload = try BlockStoreWorkload(chainID: "handshake")
        try store.saveInitialState(workload.initialState)
        for _ in 0..<10 {
            let height = try workload.next()
            try store.saveHeight(block: height.block, blockID: height.blockID, seenCommit: height.seenCommit,
                                 voteExtensions: nil, state: height.state, response: height.finalizeBlockResponse)
        }
        #expect(try store.prune(retainHeight: 6, state: workload.state).base == 6)
        let key = try #require(Ed25519PrivateKey(seed: Array(repeating: 3, count: 32)))
        let genesis = GenesisDoc(genesisTime: Timestamp(seconds: 1_700_000_000), chainID: "handshake",
                                 validators: [GenesisValidator(publicKey: key.publicKey, power: 10)])
        let fresh = CountingApp()
        let error = await #expect(throws: NodeError.self) {
            try await Handshake(app: fresh, store: store, genesis: genesis, logger: Logger(label: "handshake")).run()
        }
        #expect(String(describing: error).contains("store begins at 6"), "\(String(describing: error))")
        #expect(fresh.initChains.withLock { $0 } == 0)
    }
}

/// An app whose Info claims height -5.
struct NegativeHeightApp: Application {
    func info(_ request: InfoRequest) async throws -> InfoResponse {
        InfoResponse(lastBlockHeight: -5)
    }
}

/// An app at height 0 that counts InitChain calls.
final class CountingApp: Application, Sendable {
    let initChains = Mutex(0)

    func initChain(_ request: InitChainRequest) async throws -> InitChainResponse {
        initChains.withLock { $0 += 1 }
        return InitChainResponse()
    }
}

