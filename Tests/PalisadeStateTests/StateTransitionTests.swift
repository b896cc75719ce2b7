import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

@Suite struct StateTransitionTests {
    typealias Chain = StateTestChain

    /// Runs heights from genesis; `responses[h]` (if any) is the app's answer at height h.
    static func run(_ chain: Chain, through last: Int64,
                    responses: [Int64: FinalizeBlockResponse] = [:]) throws -> [Int64: ChainState] {
        var state = try ChainState(genesis: chain.genesis)
        var states: [Int64: ChainState] = [0: state]
        var lastCommit = Commit.empty
        for height in Int64(1)...last {
            let block = try chain.nextBlock(state, lastCommit: lastCommit)
            let next = try chain.execute(block, on: state, response: responses[height])
            lastCommit = chain.commit(block, signedBy: state)
            state = next
            states[height] = state
        }
        return states
    }

    @Test func addedValidatorVotesTwoHeightsLater() throws {
        let chain = try Chain()
        let newcomer = try Chain.key(7)
        let update = FinalizeBlockResponse(txResults: [], validatorUpdates: [ValidatorUpdate(publicKey: newcomer.publicKey, power: 30)],
                                           appHash: [3])
        let states = try Self.run(chain, through: 5, responses: [3: update])
        let address = newcomer.publicKey.address
        // After H=3: in the set for H+2 = 5 only.
        let after3 = try #require(states[3])
        #expect(after3.nextValidators.contains(address))
        #expect(!after3.validators.contains(address))
        #expect(after3.lastHeightValidatorsChanged == 5)
        // After H=4: it signs block 5.
        let after4 = try #require(states[4])
        #expect(after4.validators.contains(address))
        #expect(after4.nextHeight == 5)
        #expect(!(after4.lastValidators?.contains(address) ?? true))
        // Block 5's header carries the new set as validators_hash; the chain kept going.
        #expect(try #require(states[5]).lastValidators?.contains(address) == true)
        #expect(try #require(states[5]).lastHeightValidatorsChanged == 5)
    }

    @Test func removedValidatorStopsTwoHeightsLater() throws {
        let chain = try Chain(validatorCount: 5)
        let leaving = chain.keys[4].publicKey
        let removal = FinalizeBlockResponse(txResults: [], validatorUpdates: [ValidatorUpdate(publicKey: leaving, power: 0)],
                                            appHash: [2])
        let states = try Self.run(chain, through: 4, responses: [2: removal])
        #expect(try #require(states[2]).validators.contains(leaving.address))
        #expect(!(try #require(states[2]).nextValidators.contains(leaving.address)))
        #expect(!(try #require(states[3]).validators.contains(leaving.address)))
        #expect(try #require(states[3]).validators.count == 4)
    }

    @Test func negativePowerIsRejectedAndStateUnchanged() throws {
        let chain = try Chain()
        let state = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(state, lastCommit: .empty)
        let bad = FinalizeBlockResponse(txResults: [], validatorUpdates: [ValidatorUpdate(publicKey: chain.keys[0].publicKey, power: -1)],
                                        appHash: [1])
        let before = state
        let error = try #require(throws: StateTransitionError.self) {
            try StateTransition.apply(block, blockID: block.blockID, response: bad, to: state)
        }
        #expect(error.field == "validator_updates")
        #expect(state == before)
    }

    @Test func txResultCountMustMatch() throws {
        let chain = try Chain()
        let state = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(state, lastCommit: .empty, txs: [[1]])
        let error = try #require(throws: StateTransitionError.self) {
            try StateTransition.apply(block, blockID: block.blockID,
                                      response: FinalizeBlockResponse(txResults: [], appHash: []), to: state)
        }
        #expect(error.field == "tx_results")
    }

    @Test func paramsUpdateTakesEffectNextHeight() throws {
        let chain = try Chain()
        var blockParams = ConsensusParams.Block()
        blockParams.maxBytes = 3_000_000
        let update = FinalizeBlockResponse(txResults: [], consensusParamUpdates: ConsensusParamsUpdate(
            block: blockParams, version: ConsensusParams.Version(app: 4)), appHash: [2])
        let states = try Self.run(chain, through: 3, responses: [2: update])
        let after2 = try #require(states[2])
        #expect(after2.consensusParams.block.maxBytes == 3_000_000)
        #expect(after2.lastHeightConsensusParamsChanged == 3)
        #expect(after2.version.app == 4)
        // Block 3 was built and validated with the new consensus hash and app version.
        #expect(try #require(states[3]).lastHeightConsensusParamsChanged == 3)
    }

    @Test func invalidParamsUpdateIsRejected() throws {
        let chain = try Chain()
        let state = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(state, lastCommit: .empty)
        var blockParams = ConsensusParams.Block()
        blockParams.maxBytes = 0
        let error = try #require(throws: StateTransitionError.self) {
            try StateTransition.apply(block, blockID: block.blockID, response: FinalizeBlockResponse(
                txResults: [], consensusParamUpdates: ConsensusParamsUpdate(block: blockParams), appHash: []), to: state)
        }
        #expect(error.field == "consensus_param_updates.block.max_bytes")
    }

    /// CometBFT's `ValidateUpdate` table for the vote-extension enable height: (height, from, to, allowed).
    static let voteExtensionRows: [(Int64, Int64, Int64, Bool)] = [
        (3, 0, 0, true), (3, 100, 100, true), (100, 100, 100, false), (3, 0, 5, true), (5, 0, 5, false),
        (4, 5, 0, true), (5, 5, 0, false), (4, 10, 5, true), (5, 10, 5, false), (9, 10, 15, true),
        (10, 10, 15, false), (3, 0, -5, false), (3, -5, 100, true),
    ]

    @Test(arguments: 0..<voteExtensionRows.count) func voteExtensionEnableHeightRules(row: Int) throws {
        let (height, from, to, allowed) = Self.voteExtensionRows[row]
        var current = ConsensusParams()
        current.abci.voteExtensionsEnableHeight = from
        let update = ConsensusParamsUpdate(abci: ConsensusParams.ABCI(voteExtensionsEnableHeight: to))
        let result = Result { () throws(StateTransitionError) in
            try StateTransition.applyParams(update, to: current, height: height)
        }
        if allowed {
            #expect((try? result.get()) != nil, "row \(row)")
        } else {
            #expect((try? result.get()) == nil, "row \(row)")
        }
    }

    @Test func lastResultsHashIsTheDeterministicResultsRoot() throws {
        let chain = try Chain()
        let state = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(state, lastCommit: .empty, txs: [[1], [2]])
        let results = [TxResult(code: 0, data: [9], log: "ignored", gasWanted: 5, gasUsed: 4),
                       TxResult(code: 3, info: "ignored too")]
        let next = try StateTransition.apply(block, blockID: block.blockID,
                                             response: FinalizeBlockResponse(txResults: results, appHash: [7]), to: state)
        #expect(next.lastResultsHash == ExecTxResult.resultsHash(results.map(\.deterministic)))
        #expect(next.lastResultsHash == ExecTxResult.resultsHash(
            [ExecTxResult(code: 0, data: [9], gasWanted: 5, gasUsed: 4), ExecTxResult(code: 3)]))
        #expect(next.appHash == [7])
        #expect(next.lastBlockTime == block.header.time)
        #expect(next.validators == state.nextValidators)
        #expect(next.lastValidators == state.validators)
    }
}

extension StateTransitionTests {
    @Test func blockForAnotherHeightIsRejected() throws {
        let chain = try Chain()
        let state = try ChainState(genesis: chain.genesis)
        var block = try chain.nextBlock(state, lastCommit: .empty)
        block.header.height = 7
        let error = try #require(throws: StateTransitionError.self) {
            try StateTransition.apply(block, blockID: block.blockID,
                                      response: FinalizeBlockResponse(txResults: [], appHash: []), to: state)
        }
        #expect(error.field == "block")
    }
}
