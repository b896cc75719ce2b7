import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

@Suite struct BlockExecutionRequestsTests {
    typealias Chain = StateTestChain

    /// Two conflicting precommits by validator 0 of `validators` at `height`.
    static func doubleSign(_ chain: Chain, validators: ValidatorSet, height: Int64) throws -> DuplicateVoteEvidence {
        let validator = try #require(validators.validator(at: 0))
        let key = try #require(chain.key(for: validator.address))
        func vote(_ hashByte: UInt8) -> Vote {
            var v = Vote(type: .precommit, height: height, round: 0,
                         blockID: BlockID(hash: Bytes(repeating: hashByte, count: 32),
                                          partSetHeader: PartSetHeader(total: 1, hash: Bytes(repeating: hashByte, count: 32))),
                         timestamp: Chain.genesisTime, validatorAddress: validator.address, validatorIndex: 0)
            v.sign(with: key, chainID: Chain.chainID)
            return v
        }
        return try DuplicateVoteEvidence(conflicting: vote(1), vote(2), validatorSet: validators,
                                         timestamp: Chain.genesisTime)
    }

    /// A light-client attack is one LIGHT_CLIENT_ATTACK per byzantine validator, at the common
    /// height with its time and total power (CometBFT's `ABCI()`); amnesia names no one.
    @Test func lightClientAttackIsMisbehaviorOfEachByzantineValidator() throws {
        let chain = try Chain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block = try chain.nextBlock(genesis, lastCommit: .empty)
        let byzantine = Array(genesis.validators.validators.prefix(2))
        var evidence = LightClientAttackEvidence(
            conflictingHeader: block.header, conflictingCommit: .empty, conflictingValidators: genesis.validators,
            commonHeight: 1, byzantineValidators: byzantine, totalVotingPower: genesis.validators.totalVotingPower,
            timestamp: Chain.genesisTime)
        let misbehavior = BlockExecutionRequests.misbehavior(for: evidence)
        #expect(misbehavior == byzantine.map { validator in
            Misbehavior(type: .lightClientAttack, address: validator.address, power: validator.votingPower, height: 1,
                        time: Chain.genesisTime, totalVotingPower: genesis.validators.totalVotingPower)
        })
        evidence.byzantineValidators = []
        #expect(BlockExecutionRequests.misbehavior(for: evidence).isEmpty)
    }

    @Test func finalizeRequestCarriesCommitInfoAndMisbehavior() throws {
        let chain = try Chain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block1 = try chain.nextBlock(genesis, lastCommit: .empty)
        let state1 = try chain.execute(block1, on: genesis)

        let initial = try BlockExecutionRequests.finalizeBlock(block1, blockID: block1.blockID, state: genesis)
        #expect(initial.decidedLastCommit == CommitInfo())
        #expect(initial.height == 1)

        var commit = chain.commit(block1, signedBy: genesis)
        commit.signatures[3] = .absent
        let evidence = try Self.doubleSign(chain, validators: genesis.validators, height: 1)
        let block2 = try chain.nextBlock(state1, lastCommit: commit, txs: [[5]], evidence: [evidence])
        try BlockValidator.validate(block2, against: state1, medianTime: block2.header.time,
                                    validatorSetAt: { $0 == 1 ? genesis.validators : nil })

        let request = try BlockExecutionRequests.finalizeBlock(block2, blockID: block2.blockID, state: state1)
        #expect(request.txs == [[5]])
        #expect(request.hash == block2.header.hash())
        #expect(request.height == 2)
        #expect(request.time == block2.header.time)
        #expect(request.nextValidatorsHash == state1.nextValidators.hash())
        #expect(request.proposerAddress == block2.header.proposerAddress)
        #expect(request.decidedLastCommit.round == 0)
        let lastValidators = try #require(state1.lastValidators)
        #expect(request.decidedLastCommit.votes.map(\.address) == lastValidators.validators.map(\.address))
        #expect(request.decidedLastCommit.votes.map(\.power) == [10, 10, 10, 10])
        #expect(request.decidedLastCommit.votes.map(\.blockIDFlag) == [.commit, .commit, .commit, .absent])
        #expect(request.misbehavior == [Misbehavior(type: .duplicateVote, address: evidence.validatorAddress, power: 10,
                                                    height: 1, time: Chain.genesisTime, totalVotingPower: 40)])
    }

    /// A block carrying both kinds hands the app every item's misbehavior in block order; block
    /// validation leaves the attack's proof to the pool (it needs our headers) but checks its height.
    @Test func aBlockCarryingALightClientAttackReachesTheAppAsMisbehavior() throws {
        let chain = try Chain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block1 = try chain.nextBlock(genesis, lastCommit: .empty)
        let state1 = try chain.execute(block1, on: genesis)
        let commit = chain.commit(block1, signedBy: genesis)
        let doubleSign = try Self.doubleSign(chain, validators: genesis.validators, height: 1)
        let byzantine = Array(genesis.validators.validators.prefix(2))
        let attack = LightClientAttackEvidence(
            conflictingHeader: block1.header, conflictingCommit: commit, conflictingValidators: genesis.validators,
            commonHeight: 1, byzantineValidators: byzantine, totalVotingPower: genesis.validators.totalVotingPower,
            timestamp: Chain.genesisTime)
        let block2 = try chain.nextBlock(state1, lastCommit: commit, evidence: [doubleSign],
                                         otherEvidence: [.lightClientAttack(attack)])
        #expect(block2.header.evidenceHash == Merkle.root([doubleSign.protobuf, attack.protobuf]))

        let request = try BlockExecutionRequests.finalizeBlock(block2, blockID: block2.blockID, state: state1)
        #expect(request.misbehavior.map(\.type) == [.duplicateVote, .lightClientAttack, .lightClientAttack])
        #expect(request.misbehavior.dropFirst().map(\.address) == byzantine.map(\.address))

        try BlockValidator.validate(block2, against: state1, medianTime: block2.header.time,
                                    validatorSetAt: { $0 == 1 ? genesis.validators : nil })
        var future = attack
        future.commonHeight = 2
        let ahead = try chain.nextBlock(state1, lastCommit: commit, otherEvidence: [.lightClientAttack(future)])
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(ahead, against: state1, medianTime: ahead.header.time,
                                        validatorSetAt: { _ in genesis.validators })
        }
        #expect(error.field == "evidence[0].height")
    }

    @Test func evidenceFromAnUnknownHeightOrTheFutureIsRejected() throws {
        let chain = try Chain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block1 = try chain.nextBlock(genesis, lastCommit: .empty)
        let state1 = try chain.execute(block1, on: genesis)
        let commit = chain.commit(block1, signedBy: genesis)
        let future = try Self.doubleSign(chain, validators: genesis.validators, height: 2)
        let block2 = try chain.nextBlock(state1, lastCommit: commit, evidence: [future])
        let error = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(block2, against: state1, medianTime: block2.header.time,
                                        validatorSetAt: { _ in genesis.validators })
        }
        #expect(error.field == "evidence[0].height")

        let past = try Self.doubleSign(chain, validators: genesis.validators, height: 1)
        let unknown = try chain.nextBlock(state1, lastCommit: commit, evidence: [past])
        let unknownError = try #require(throws: BlockValidationError.self) {
            try BlockValidator.validate(unknown, against: state1, medianTime: unknown.header.time)
        }
        #expect(unknownError.field == "evidence[0].height")
    }

    @Test func commitInfoNeedsOneSignaturePerLastValidator() throws {
        let chain = try Chain()
        let genesis = try ChainState(genesis: chain.genesis)
        let block1 = try chain.nextBlock(genesis, lastCommit: .empty)
        let state1 = try chain.execute(block1, on: genesis)
        var commit = chain.commit(block1, signedBy: genesis)
        commit.signatures.removeLast()
        let block2 = try chain.nextBlock(state1, lastCommit: commit)
        #expect(throws: BlockValidationError.self) {
            try BlockExecutionRequests.commitInfo(for: block2, state: state1)
        }
    }
}

@Suite struct EvidenceExpiryTests {
    typealias Chain = StateTestChain

    /// Evidence is expired only when it is too old in blocks and in time at once.
    @Test(arguments: [(Int64(1), Int64(1), false), (1, 1_000_000_000_000, true), (10, 1, true)])
    func expiry(maxAgeBlocks: Int64, maxAgeNanos: Int64, accepted: Bool) throws {
        let chain = try Chain()
        var genesis = try ChainState(genesis: chain.genesis)
        genesis.consensusParams.evidence.maxAgeNumBlocks = maxAgeBlocks
        genesis.consensusParams.evidence.maxAgeDurationNanos = maxAgeNanos
        var state = genesis
        var lastCommit = Commit.empty
        for _ in 1...2 {
            let block = try chain.nextBlock(state, lastCommit: lastCommit)
            let next = try chain.execute(block, on: state)
            lastCommit = chain.commit(block, signedBy: state)
            state = next
        }
        // Block 3 carries evidence from height 1: two blocks old, two seconds after genesis.
        let evidence = try BlockExecutionRequestsTests.doubleSign(chain, validators: genesis.validators, height: 1)
        let block = try chain.nextBlock(state, lastCommit: lastCommit, evidence: [evidence])
        let result = Result { () throws(BlockValidationError) in
            try BlockValidator.validate(block, against: state, medianTime: block.header.time,
                                        validatorSetAt: { _ in genesis.validators })
        }
        if accepted {
            #expect((try? result.get()) != nil)
        } else {
            #expect(throws: BlockValidationError(field: "evidence[0].timestamp", reason: "expired: 2 blocks old")) {
                try result.get()
            }
        }
    }
}
