import PalisadeCrypto
@testable import PalisadeNode
import PalisadeTypes
import Testing

/// The evidence pool proves a light-client attack against its own chain before trusting it: the
/// common height's validator set and header, and our header at the conflicting height.
@Suite("Evidence pool: light-client attacks are verified against the chain")
struct LightClientAttackPoolTests {
    /// A lunatic header at `height`: our header with another app hash, naming `signers` (members of
    /// the cluster or strangers) as the whole validator set, signed by all of them.
    static func lunatic(over ours: Header, signers keys: [Ed25519PrivateKey], chainID: String,
                        commonHeight: Int64, common: Header, commonValidators: ValidatorSet) throws -> LightClientAttackEvidence {
        let fakeSet = try ValidatorSet(validators: keys.map { Validator(publicKey: $0.publicKey, votingPower: 10) })
        var header = ours
        header.appHash = Bytes(repeating: 0xBB, count: 32)
        header.validatorsHash = fakeSet.hash()
        header.nextValidatorsHash = fakeSet.hash()
        header.proposerAddress = fakeSet.validators[0].address
        let blockID = BlockID(hash: header.hash(),
                              partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(header.hash())))
        let signatures = try fakeSet.validators.enumerated().map { index, validator -> CommitSig in
            let key = try #require(keys.first { $0.publicKey.address == validator.address })
            var vote = Vote(type: .precommit, height: header.height, round: 0, blockID: blockID,
                            timestamp: header.time.adding(milliseconds: 500), validatorAddress: validator.address,
                            validatorIndex: Int32(index))
            vote.sign(with: key, chainID: chainID)
            return CommitSig(blockIDFlag: .commit, validatorAddress: validator.address, timestamp: vote.timestamp,
                             signature: vote.signature)
        }
        let byzantine = fakeSet.validators.compactMap { commonValidators.validator(for: $0.address) }
            .sorted { $0.votingPower != $1.votingPower ? $0.votingPower > $1.votingPower : $0.address < $1.address }
        return LightClientAttackEvidence(
            conflictingHeader: header,
            conflictingCommit: Commit(height: header.height, round: 0, blockID: blockID, signatures: signatures),
            conflictingValidators: fakeSet, commonHeight: commonHeight, byzantineValidators: byzantine,
            totalVotingPower: commonValidators.totalVotingPower, timestamp: common.time)
    }

    @Test("a lunatic attack by > 1/3 of the common set is accepted; < 1/3, strangers or a wrong time are refused")
    func poolVerifiesLightClientAttacks() async throws {
        let cluster = try InProcessCluster(validators: 4)
        try await cluster.startAll()
        #expect(await cluster.waitForHeight(4))
        await cluster.stopAll()
        let chainID = cluster.genesis.chainID
        let store = cluster.members[0].store
        let state = try #require(try store.latestState())
        let common = try #require(try store.block(at: 2)?.header)
        let commonValidators = try #require(try store.validators(at: 2))
        let ours = try #require(try store.block(at: 3)?.header)
        let pool = try EvidencePool(chainID: chainID, state: state, store: store, network: RecordingNetwork(),
                                    logger: .init(label: "test"))
        func attack(_ keys: [Ed25519PrivateKey]) throws -> LightClientAttackEvidence {
            try Self.lunatic(over: ours, signers: keys, chainID: chainID, commonHeight: 2, common: common,
                             commonValidators: commonValidators)
        }

        let keys = cluster.members.map(\.key)
        let valid = try attack(Array(keys.prefix(2)))
        #expect(valid.byzantineValidators.count == 2)
        #expect(await pool.verify(valid) == .added)
        #expect(await pool.problemWithProposed([.lightClientAttack(valid)]) == nil)

        let tooFew = try attack(Array(keys.prefix(1)))
        guard case .invalid(let reason) = await pool.verify(tooFew) else {
            Issue.record("an attack signed by 1/4 of the common set was not refused")
            return
        }
        #expect(reason.contains("1/3") || reason.lowercased().contains("power"), "\(reason)")

        let strangers = try (1...3).map { seed in
            try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(100 + seed), count: 32)))
        }
        #expect(await pool.verify(try attack(strangers)).isInvalid)

        var mistimed = valid
        mistimed.timestamp = ours.time
        #expect(await pool.verify(mistimed).isInvalid)
        var unnamed = valid
        unnamed.byzantineValidators.removeLast()
        #expect(await pool.verify(unnamed).isInvalid)
        var ahead = valid
        ahead.commonHeight = state.lastBlockHeight + 1
        guard case .ignored = await pool.verify(ahead) else {
            Issue.record("an attack from an uncommitted common height was not ignored")
            return
        }
        #expect(await pool.problemWithProposed([.lightClientAttack(tooFew)]) != nil)
    }
}
