import Logging
import PalisadeCrypto
import PalisadeLight
@testable import PalisadeNode
import PalisadeState
import PalisadeTypes
import Testing

/// State sync's trust over real HTTP on loopback: the state a snapshot's height resumes from is
/// built from light-verified blocks H, H + 1 and H + 2 of a primary checked against a witness, with
/// the primary's proposer priorities kept; a primary whose params or headers do not verify is refused.
@Suite struct LightStateProviderTests {
    static func provider(_ chain: SignedBlockChain, servers: [LightProxyTests.Served]) throws -> LightStateProvider {
        let root = try #require(chain.blocks.first)
        return try LightStateProvider(
            chainID: SignedBlockChain.chainID, initialHeight: 1, rpcServers: servers.map(\.address), trustHeight: 1,
            trustHash: root.block.header.hash(),
            // The chain's times are from 2023: a trusting period of ten years keeps them valid.
            options: VerificationOptions(trustingPeriod: .seconds(10 * 365 * 24 * 3600)))
    }

    @Test func buildsTheStateAfterAHeightFromThreeVerifiedBlocks() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let primary = await LightProxyTests.serve(chain), witness = await LightProxyTests.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        let provider = try Self.provider(chain, servers: [primary, witness])

        let state = try await provider.state(height: 10)
        let (block10, block11) = (chain.blocks[9], chain.blocks[10])
        #expect(state.lastBlockHeight == 10)
        #expect(state.nextHeight == 11)
        #expect(state.lastBlockID == block10.commit.blockID)
        #expect(state.lastBlockTime == block10.block.header.time)
        #expect(state.appHash == block11.block.header.appHash)
        #expect(state.lastResultsHash == block11.block.header.lastResultsHash)
        #expect(state.consensusParams == .default)
        // The sets as the primary holds them, priorities and proposer included (recomputing them
        // from the powers would name a different proposer than the network's).
        let served = { (h: Int64) in try #require(try await primary.backend.validators(at: h)) }
        for (set, height) in [(state.lastValidators, Int64(10)), (state.validators, 11), (state.nextValidators, 12)] {
            let expected = try await served(height)
            #expect(set?.validators.map(\.proposerPriority) == expected.validators.map(\.proposerPriority))
            // The last set only verifies the last commit: its proposer is never asked for.
            if height > 10 { #expect(set?.proposer?.address == expected.proposer?.address) }
        }
        #expect(try await served(11).proposer?.address != (try await served(12)).proposer?.address)
        #expect(try await provider.appHash(height: 10) == block11.block.header.appHash)
        #expect(try await provider.commit(height: 10) == block10.commit)
    }

    @Test func refusesConsensusParamsTheHeaderDoesNotHash() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let primary = await LightProxyTests.serve(chain), witness = await LightProxyTests.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        var lie = ConsensusParams.default
        lie.block.maxBytes = 1 << 10
        primary.backend.setParams(lie)
        let provider = try Self.provider(chain, servers: [primary, witness])
        await #expect {
            _ = try await provider.state(height: 10)
        } throws: { error in
            guard case LightStateProviderError.consensusParamsMismatch(height: 11)? = error as? LightStateProviderError
            else { return false }
            return true
        }
    }

    /// A primary whose block after the snapshot height carries another app hash, signed by keys
    /// that are not the chain's validators: the snapshot would restore to a state nobody signed.
    @Test func refusesAnAppHashNoTrustedValidatorSigned() async throws {
        var chain = try SignedBlockChain(validatorCount: 4)
        try chain.extend(to: 20)
        let strangers = try SignedBlockChain(validatorCount: 4, seedOffset: 101)
        var forged = chain
        var block = chain.blocks[10].block
        block.header.appHash = Bytes(repeating: 0xAB, count: 32)
        block.fillHeaderHashes()
        forged.replace(height: 11, block: block, commit: try strangers.sign(block, with: strangers.validators))
        let primary = await LightProxyTests.serve(forged), witness = await LightProxyTests.serve(chain)
        defer { primary.task.cancel(); witness.task.cancel() }
        let provider = try Self.provider(chain, servers: [primary, witness])
        await #expect(throws: LightClientError.self) { _ = try await provider.appHash(height: 10) }
    }

    @Test func needsAWitness() throws {
        #expect {
            _ = try LightStateProvider(chainID: "c", initialHeight: 1, rpcServers: ["http://127.0.0.1:1"], trustHeight: 1,
                                       trustHash: Bytes(repeating: 1, count: 32),
                                       options: VerificationOptions(trustingPeriod: .seconds(3600)))
        } throws: { error in
            "\(error)".contains("statesync.rpc_servers")
        }
    }
}
