import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

/// Every block `BlockBuilder` makes validates; every header field changed alone is caught and named.
@Suite struct BlockValidatorTests {
    /// State after height 1, the commit for block 1, and block 2 built on them.
    static func heightTwo() throws -> (chain: StateTestChain, state: ChainState, block: Block) {
        let chain = try StateTestChain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block1 = try chain.nextBlock(genesis, lastCommit: .empty, txs: [[1], [2]])
        let state1 = try chain.execute(block1, on: genesis)
        let block2 = try chain.nextBlock(state1, lastCommit: chain.commit(block1, signedBy: genesis), txs: [[3]])
        return (chain, state1, block2)
    }

    @Test func builtBlocksValidateForSeveralHeights() throws {
        let chain = try StateTestChain()
        var state = try ChainState(genesis: chain.genesis)
        var lastCommit = Commit.empty
        for height in Int64(1)...5 {
            let block = try chain.nextBlock(state, lastCommit: lastCommit, txs: [[UInt8(height)]])
            #expect(block.header.height == height)
            let next = try chain.execute(block, on: state)
            lastCommit = chain.commit(block, signedBy: state)
            state = next
            #expect(state.lastBlockHeight == height)
            #expect(state.lastBlockID == block.blockID)
        }
    }

    @Test func headerHashesComeFromTheState() throws {
        let (_, state, block) = try Self.heightTwo()
        let header = block.header
        #expect(header.version == ConsensusVersion(block: 11, app: 0))
        #expect(header.validatorsHash == state.validators.hash())
        #expect(header.nextValidatorsHash == state.nextValidators.hash())
        #expect(header.consensusHash == state.consensusParams.hash())
        #expect(header.appHash == state.appHash)
        #expect(header.lastResultsHash == state.lastResultsHash)
        #expect(header.lastBlockID == state.lastBlockID)
        #expect(header.lastCommitHash == block.lastCommit?.hash())
        #expect(header.dataHash == BlockData(txs: [[3]]).hash())
        #expect(header.evidenceHash == EvidenceList.hash([]))
    }

    static let tampers: [(field: String, change: @Sendable (inout Block) -> Void)] = [
        ("header.version", { $0.header.version.app += 1 }),
        ("header.chain_id", { $0.header.chainID = "other" }),
        ("header.height", { $0.header.height += 1 }),
        ("header.last_block_id", { $0.header.lastBlockID = .zero }),
        ("header.app_hash", { $0.header.appHash = [0xFF] }),
        ("header.consensus_hash", { $0.header.consensusHash = [0xFF] }),
        ("header.last_results_hash", { $0.header.lastResultsHash = [0xFF] }),
        ("header.validators_hash", { $0.header.validatorsHash = [0xFF] }),
        ("header.next_validators_hash", { $0.header.nextValidatorsHash = [0xFF] }),
        ("header.last_commit_hash", { $0.header.lastCommitHash = [0xFF] }),
        ("header.data_hash", { $0.header.dataHash = [0xFF] }),
        ("header.evidence_hash", { $0.header.evidenceHash = [0xFF] }),
        ("header.proposer_address", { $0.header.proposerAddress = Address(bytes: Bytes(repeating: 7, count: 20)) }),
        ("header.time", { $0.header.time = $0.header.time.adding(milliseconds: 1) }),
    ]

    @Test(arguments: 0..<tampers.count) func tamperedFieldIsNamed(index: Int) throws {
        let (chain, state, original) = try Self.heightTwo()
        var block = original
        Self.tampers[index].change(&block)
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(block, against: state,
                                        medianTime: chain.lastCommitTime(original.lastCommit ?? .empty))
        }
        #expect(error.field.hasSuffix(Self.tampers[index].field), "\(error)")
    }

    /// Block sync verifies each block's commit, then finds the same commit as the next block's
    /// LastCommit: that one is not checked twice. Anything but an identical commit for the
    /// state's last block is still verified in full.
    @Test func onlyAnIdenticalAlreadyVerifiedLastCommitSkipsTheSignatureChecks() throws {
        let (chain, state, original) = try Self.heightTwo()
        let verified = try #require(original.lastCommit)
        var forged = original
        var commit = verified
        commit.signatures[0].signature[0] ^= 0xFF
        forged.lastCommit = commit
        forged.fillHeaderHashes()
        let time = chain.lastCommitTime(verified)
        try BlockValidator.validate(original, against: state, medianTime: time, verifiedLastCommit: verified)
        let differs = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(forged, against: state, medianTime: time, verifiedLastCommit: verified)
        }
        #expect(differs.field == "last_commit", "\(differs)")
        // Vouched for, but not a commit for the state's last block: verified, and refused.
        var otherBlock = commit
        otherBlock.blockID = .zero
        var elsewhereBlock = original
        elsewhereBlock.lastCommit = otherBlock
        elsewhereBlock.fillHeaderHashes()
        let elsewhere = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(elsewhereBlock, against: state, medianTime: time, verifiedLastCommit: otherBlock)
        }
        #expect(elsewhere.field == "last_commit", "\(elsewhere)")
        // What the caller vouches for is taken as verified: the skip is the whole point.
        try BlockValidator.validate(forged, against: state, medianTime: time, verifiedLastCommit: commit)
    }

    @Test func lastCommitFromTheWrongBlockIsRejected() throws {
        let (chain, state, original) = try Self.heightTwo()
        let validators = try #require(state.lastValidators)
        let forged = chain.commit(for: .zero, height: 1, signers: validators, time: original.header.time)
        var block = original
        block.lastCommit = forged
        block.fillHeaderHashes()
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(block, against: state, medianTime: original.header.time)
        }
        #expect(error.field == "last_commit")
    }

    @Test func commitWithoutQuorumIsRejected() throws {
        let (chain, state, original) = try Self.heightTwo()
        let validators = try #require(state.lastValidators)
        var block = original
        block.lastCommit = chain.commit(for: state.lastBlockID, height: 1, signers: validators,
                                        time: original.header.time, absent: [0, 1])
        block.fillHeaderHashes()
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(block, against: state, medianTime: original.header.time)
        }
        #expect(error.field == "last_commit")
    }

    @Test func initialBlockRules() throws {
        let chain = try StateTestChain()
        let state = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(state, lastCommit: .empty)
        #expect(block.header.time == StateTestChain.genesisTime)
        try BlockValidator.validate(block, against: state, medianTime: nil)

        var late = block
        late.header.time = block.header.time.adding(milliseconds: 1)
        let timeError = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(late, against: state, medianTime: nil)
        }
        #expect(timeError.field == "header.time")

        var signed = block
        signed.lastCommit = chain.commit(for: .zero, height: 0, signers: state.validators, time: block.header.time)
        signed.fillHeaderHashes()
        let commitError = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(signed, against: state, medianTime: nil)
        }
        #expect(commitError.field == "last_commit.signatures")
    }

    @Test func laterBlocksNeedTheMedianTime() throws {
        let (_, state, block) = try Self.heightTwo()
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(block, against: state, medianTime: nil)
        }
        #expect(error.field == "header.time")
    }
}
