import Foundation
import PalisadeABCI
import PalisadeApps
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

/// The proposer's path end to end with CometBFT's kvstore: InitChain, then per height
/// PrepareProposal → build → validate → FinalizeBlock → state transition → Commit.
@Suite struct KVStoreDriveTests {
    typealias Chain = StateTestChain

    @Test func kvstoreChainAddsAValidatorByTransaction() async throws {
        let chain = try Chain()
        let app = KVStoreApplication()
        let initChain = try await app.initChain(InitChainRequest(
            time: chain.genesis.genesisTime, chainID: Chain.chainID,
            validators: chain.genesis.validators.map { ValidatorUpdate(publicKey: $0.publicKey, power: $0.power) },
            initialHeight: 1))
        var state = try ChainState(genesis: chain.genesis, initChain: initChain, appVersion: KVStoreApplication.appVersion)
        #expect(state.appHash == initChain.appHash)

        let newcomer = try Chain.key(8).publicKey
        let validatorTx = Array("val:\(Data(newcomer.bytes).base64EncodedString())!5".utf8)
        let mempool: [Int64: [Bytes]] = [1: [Array("a:1".utf8)], 2: [validatorTx, Array("b".utf8)]]
        var lastCommit = Commit.empty
        for height in Int64(1)...4 {
            let prepared = try await app.prepareProposal(PrepareProposalRequest(
                maxTxBytes: state.consensusParams.block.maxBytes, txs: mempool[height] ?? [],
                height: height, time: state.lastBlockTime, nextValidatorsHash: state.nextValidators.hash(),
                proposerAddress: try #require(state.validators.proposer).address))
            let block = try chain.nextBlock(state, lastCommit: lastCommit, txs: prepared.txs)
            try BlockValidator.validate(block, against: state, medianTime: chain.lastCommitTime(lastCommit))
            let request = try BlockExecutionRequests.finalizeBlock(block, blockID: block.blockID, state: state)
            let response = try await app.finalizeBlock(request)
            let next = try StateTransition.apply(block, blockID: block.blockID, response: response, to: state)
            _ = try await app.commit()
            lastCommit = chain.commit(block, signedBy: state)
            state = next
            #expect(state.appHash == response.appHash)
        }
        #expect(state.validators.contains(newcomer.address))
        #expect(state.lastHeightValidatorsChanged == 4)
        #expect(try await app.value(forKey: Array("a".utf8)) == Array("1".utf8))
    }
}
