import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// A deterministic chain to store, for the block store's crash loop (`palisade
/// debug-blockstore-loop`), its benchmark and its tests: real blocks built by `BlockBuilder`,
/// commits signed by every validator, states from `StateTransition`, with `txsPerBlock`
/// transactions of `txSize` bytes that are unique per height. It is not a consensus run: there is
/// one round, every validator precommits, and block times advance by one second.
public struct BlockStoreWorkload: Sendable {
    /// Everything `BlockStore.save` takes for one height.
    public struct Height: Sendable {
        public var block: Block
        public var blockID: BlockID
        public var seenCommit: Commit
        public var state: ChainState
        public var finalizeBlockResponse: FinalizeBlockResponse
    }

    public let txsPerBlock: Int
    public let txSize: Int
    private let keys: [Address: Ed25519PrivateKey]
    /// The state before the next height.
    public private(set) var state: ChainState
    private var lastCommit: Commit

    /// The keys of validator `i` are derived from the seed byte `i + 1`, so a restarted process
    /// signs as the same validators.
    public init(chainID: String = "blockstore-workload", validators: Int = 4, txsPerBlock: Int = 10,
                txSize: Int = 64) throws {
        let privateKeys = try Self.derivedKeys(validators)
        let set = try ValidatorSet(validators: privateKeys.map { Validator(publicKey: $0.publicKey, votingPower: 10) })
        let genesis = ChainState(
            chainID: chainID, initialHeight: 1, lastBlockHeight: 0, lastBlockID: .zero,
            lastBlockTime: Timestamp(seconds: 1_700_000_000), validators: set,
            nextValidators: set.copyIncrementingProposerPriority(times: 1), lastValidators: nil,
            lastHeightValidatorsChanged: 1, consensusParams: .default, lastHeightConsensusParamsChanged: 1,
            lastResultsHash: SHA256Hash.empty, appHash: [], version: ConsensusVersion())
        try self.init(keys: privateKeys, state: genesis, lastCommit: .empty, txsPerBlock: txsPerBlock, txSize: txSize)
    }

    /// Continues a chain from a stored state and the seen commit of its last block (nil at genesis).
    public init(resuming state: ChainState, lastCommit: Commit?, validators: Int = 4, txsPerBlock: Int = 10,
                txSize: Int = 64) throws {
        let privateKeys = try Self.derivedKeys(validators)
        try self.init(keys: privateKeys, state: state, lastCommit: lastCommit ?? .empty, txsPerBlock: txsPerBlock,
                      txSize: txSize)
    }

    private init(keys: [Ed25519PrivateKey], state: ChainState, lastCommit: Commit, txsPerBlock: Int,
                 txSize: Int) throws {
        self.keys = Dictionary(keys.map { ($0.publicKey.address, $0) }, uniquingKeysWith: { first, _ in first })
        self.state = state
        self.lastCommit = lastCommit
        self.txsPerBlock = txsPerBlock
        self.txSize = txSize
        guard state.validators.validators.allSatisfy({ self.keys[$0.address] != nil }) else {
            throw BlockStoreWorkloadError(reason: "the state's validators are not the workload's keys")
        }
    }

    /// The state before the first block, for `BlockStore.saveInitialState`.
    public var initialState: ChainState { state }

    /// Builds, commits and executes the next height; the app's answer carries `validatorUpdates`
    /// (a new power for a workload key keeps every set signable).
    public mutating func next(validatorUpdates: [ValidatorUpdate] = []) throws -> Height {
        let height = state.nextHeight
        let txs = (0..<txsPerBlock).map { index in Self.tx(height: height, index: index, size: txSize) }
        let time = height == state.initialHeight ? state.lastBlockTime : state.lastBlockTime.adding(milliseconds: 1000)
        guard let proposer = state.validators.proposer else { throw BlockStoreWorkloadError(reason: "no proposer") }
        let block = BlockBuilder.makeBlock(state: state, txs: txs, lastCommit: lastCommit, time: time,
                                           proposerAddress: proposer.address)
        let blockID = block.blockID
        var signatures: [CommitSig] = []
        for (index, validator) in state.validators.validators.enumerated() {
            guard let key = keys[validator.address] else { throw BlockStoreWorkloadError(reason: "no key") }
            var vote = Vote(type: .precommit, height: height, round: 0, blockID: blockID,
                            timestamp: time.adding(milliseconds: 500), validatorAddress: validator.address,
                            validatorIndex: Int32(index))
            vote.sign(with: key, chainID: state.chainID)
            signatures.append(CommitSig(blockIDFlag: .commit, validatorAddress: validator.address,
                                        timestamp: vote.timestamp, signature: vote.signature))
        }
        let seenCommit = Commit(height: height, round: 0, blockID: blockID, signatures: signatures)
        let response = FinalizeBlockResponse(
            events: [Event(type: "workload", attributes: [EventAttribute(key: "height", value: "\(height)")])],
            txResults: txs.map { TxResult(code: 0, data: Array($0.prefix(8))) },
            validatorUpdates: validatorUpdates,
            appHash: SHA256Hash.digest(Array("app \(height)".utf8)))
        let next = try StateTransition.apply(block, blockID: blockID, response: response, to: state)
        state = next
        lastCommit = seenCommit
        return Height(block: block, blockID: blockID, seenCommit: seenCommit, state: next,
                      finalizeBlockResponse: response)
    }

    private static func derivedKeys(_ count: Int) throws -> [Ed25519PrivateKey] {
        try (0..<count).map { i in
            guard let key = Ed25519PrivateKey(seed: Bytes(repeating: UInt8(truncatingIfNeeded: i + 1), count: 32)) else {
                throw BlockStoreWorkloadError(reason: "cannot derive the key of validator \(i)")
            }
            return key
        }
    }

    /// `size` bytes starting with `tx H/I `, so every transaction (and its hash) is unique.
    public static func tx(height: Int64, index: Int, size: Int) -> Bytes {
        var tx = Array("tx \(height)/\(index) ".utf8)
        if tx.count < size { tx += Bytes(repeating: UInt8(truncatingIfNeeded: index), count: size - tx.count) }
        return tx
    }
}

extension BlockStore {
    /// Saves one height built by `BlockStoreWorkload`.
    public func save(_ height: BlockStoreWorkload.Height) throws(BlockStoreError) {
        try save(block: height.block, blockID: height.blockID, seenCommit: height.seenCommit, state: height.state,
                 finalizeBlockResponse: height.finalizeBlockResponse)
    }
}

public struct BlockStoreWorkloadError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "block store workload: \(reason)" }
}
