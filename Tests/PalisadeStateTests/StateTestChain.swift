import PalisadeABCI
import PalisadeCrypto
import PalisadeState
import PalisadeTypes
import Testing

/// A four-validator chain whose keys the tests hold, so they can sign the commits that carry a
/// block into the next height.
struct StateTestChain {
    static let chainID = "state-test"
    static let genesisTime = Timestamp(seconds: 1_700_000_000)

    let keys: [Ed25519PrivateKey]
    let genesis: GenesisDoc

    init(validatorCount: Int = 4, initialHeight: Int64 = 1) throws {
        keys = try (0..<validatorCount).map { try Self.key($0) }
        genesis = GenesisDoc(genesisTime: Self.genesisTime, chainID: Self.chainID, initialHeight: initialHeight,
                             validators: keys.map { GenesisValidator(publicKey: $0.publicKey, power: 10) },
                             appHash: [0xAA])
    }

    static func key(_ n: Int) throws -> Ed25519PrivateKey {
        try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(n + 1), count: 32)))
    }

    func key(for address: Address) -> Ed25519PrivateKey? {
        keys.first { $0.publicKey.address == address }
    }

    /// Precommits for `blockID` from every validator of `signers` whose key the chain holds,
    /// all stamped `time` (so the weighted median is `time`); `absent` indices do not sign.
    func commit(for blockID: BlockID, height: Int64, signers: ValidatorSet, time: Timestamp,
                absent: Set<Int> = []) -> Commit {
        let signatures = signers.validators.enumerated().map { index, validator -> CommitSig in
            guard !absent.contains(index), let key = key(for: validator.address) else { return .absent }
            var vote = Vote(type: .precommit, height: height, round: 0, blockID: blockID, timestamp: time,
                            validatorAddress: validator.address, validatorIndex: Int32(index))
            vote.sign(with: key, chainID: Self.chainID)
            return CommitSig(blockIDFlag: .commit, validatorAddress: validator.address, timestamp: time,
                             signature: vote.signature)
        }
        return Commit(height: height, round: 0, blockID: blockID, signatures: signatures)
    }

    /// The block the current proposer would build next, with the time BFT time requires;
    /// `evidence` first, then `otherEvidence` (of any kind).
    func nextBlock(_ state: ChainState, lastCommit: Commit, txs: [Bytes] = [],
                   evidence: [DuplicateVoteEvidence] = [], otherEvidence: [Evidence] = []) throws -> Block {
        let time = state.nextHeight == state.initialHeight ? state.lastBlockTime : lastCommitTime(lastCommit)
        let proposer = try #require(state.validators.proposer)
        return BlockBuilder.makeBlock(state: state, txs: txs, lastCommit: lastCommit, evidence: evidence.map(Evidence.duplicateVote) + otherEvidence,
                                      time: time, proposerAddress: proposer.address)
    }

    func lastCommitTime(_ commit: Commit) -> Timestamp {
        commit.signatures.first { !$0.isAbsent }?.timestamp ?? Self.genesisTime
    }

    /// Validates, then applies with `response` (a default one: every tx OK, app hash from height).
    func execute(_ block: Block, on state: ChainState,
                 response: FinalizeBlockResponse? = nil) throws -> ChainState {
        try BlockValidator.validate(block, against: state, medianTime: lastCommitTime(block.lastCommit ?? .empty))
        let answer = response ?? FinalizeBlockResponse(
            txResults: block.data.txs.map { _ in TxResult() }, appHash: [UInt8(truncatingIfNeeded: block.header.height)])
        return try StateTransition.apply(block, blockID: block.blockID, response: answer, to: state)
    }

    /// Commits `block` (which was built on `state`) one second after its own time.
    func commit(_ block: Block, signedBy state: ChainState) -> Commit {
        commit(for: block.blockID, height: block.header.height, signers: state.validators,
               time: block.header.time.adding(milliseconds: 1000))
    }
}
