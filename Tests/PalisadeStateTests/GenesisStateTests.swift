import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

@Suite struct GenesisStateTests {
    @Test func genesisOnly() throws {
        let chain = try StateTestChain(initialHeight: 5)
        let state = try ChainState(genesis: chain.genesis, appVersion: 3)
        #expect(state.lastBlockHeight == 0)
        #expect(state.nextHeight == 5)
        #expect(state.lastBlockID == .zero)
        #expect(state.lastBlockTime == StateTestChain.genesisTime)
        #expect(state.validators == (try chain.genesis.validatorSet()))
        #expect(state.nextValidators == state.validators.copyIncrementingProposerPriority(times: 1))
        #expect(state.lastValidators == nil)
        #expect(state.lastHeightValidatorsChanged == 5)
        #expect(state.lastHeightConsensusParamsChanged == 5)
        #expect(state.consensusParams == .default)
        #expect(state.appHash == [0xAA])
        #expect(state.lastResultsHash == SHA256Hash.empty)
        #expect(state.version == ConsensusVersion(block: 11, app: 3))
    }

    @Test func initChainOverridesValidatorsParamsAndAppHash() throws {
        let chain = try StateTestChain()
        let newKey = try StateTestChain.key(9)
        var block = ConsensusParams.Block()
        block.maxBytes = 2_000_000
        let response = InitChainResponse(
            consensusParams: ConsensusParamsUpdate(block: block, version: ConsensusParams.Version(app: 7)),
            validators: [ValidatorUpdate(publicKey: newKey.publicKey, power: 5)], appHash: [1, 2, 3])
        let state = try ChainState(genesis: chain.genesis, initChain: response, appVersion: 1)
        #expect(state.validators.count == 1)
        #expect(state.validators.contains(newKey.publicKey.address))
        #expect(state.nextValidators.hash() == state.validators.hash())
        #expect(state.consensusParams.block.maxBytes == 2_000_000)
        #expect(state.version.app == 7)
        #expect(state.appHash == [1, 2, 3])
    }

    @Test func noValidatorsAnywhereIsAnError() throws {
        var genesis = try StateTestChain().genesis
        genesis.validators = []
        #expect(throws: GenesisStateError.self) { try ChainState(genesis: genesis) }
        let key = try StateTestChain.key(0)
        let state = try ChainState(genesis: genesis, initChain: InitChainResponse(
            validators: [ValidatorUpdate(publicKey: key.publicKey, power: 1)]))
        #expect(state.validators.count == 1)
    }

    @Test func invalidInitChainParamsAreRejected() throws {
        var block = ConsensusParams.Block()
        block.maxBytes = 0
        let error = try #require(throws: GenesisStateError.self) {
            try ChainState(genesis: try StateTestChain().genesis,
                           initChain: InitChainResponse(consensusParams: ConsensusParamsUpdate(block: block)))
        }
        #expect(error.field == "init_chain.consensus_params")
    }
}
