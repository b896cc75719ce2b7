import PalisadeCrypto
import PalisadeTypes
import Testing

/// `LightClientAttackEvidence`: CometBFT's wire shape, and the checks a full node makes before it
/// believes one (lunatic, equivocation and amnesia told apart; forged evidence refused by reason).
@Suite struct LightClientAttackEvidenceTests {
    static let chainID = "lca-test"

    /// Four validators of power 10; our chain's headers are signed by all of them.
    struct Chain {
        let keys: [Ed25519PrivateKey]
        let validators: ValidatorSet

        init() throws {
            keys = try (1...4).map { seed in try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(seed), count: 32))) }
            validators = try ValidatorSet(validators: keys.map { Validator(publicKey: $0.publicKey, votingPower: 10) })
        }

        func header(_ height: Int64, validators set: ValidatorSet? = nil, appHash: Bytes = Bytes(repeating: 0xAA, count: 32),
                    dataHash: Bytes = SHA256Hash.empty, seconds: Int64? = nil) -> Header {
            let set = set ?? validators
            return Header(chainID: LightClientAttackEvidenceTests.chainID, height: height,
                          time: Timestamp(seconds: seconds ?? 1_700_000_000 + height), lastBlockID: .zero,
                          lastCommitHash: SHA256Hash.digest(Array("last-\(height)".utf8)), dataHash: dataHash,
                          validatorsHash: set.hash(), nextValidatorsHash: set.hash(),
                          consensusHash: SHA256Hash.digest(Array("params".utf8)), appHash: appHash,
                          lastResultsHash: SHA256Hash.empty, evidenceHash: SHA256Hash.empty,
                          proposerAddress: set.validators[0].address)
        }

        /// A commit for `header` by `set` in its order; only `signers` (addresses) sign.
        func sign(_ header: Header, by set: ValidatorSet, signers: Set<Address>? = nil, round: Int32 = 0) throws -> Commit {
            let blockID = BlockID(hash: header.hash(), partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(header.hash())))
            let signatures = try set.validators.enumerated().map { index, validator -> CommitSig in
                guard signers?.contains(validator.address) ?? true else { return .absent }
                let key = try #require(keys.first { $0.publicKey.address == validator.address })
                var vote = Vote(type: .precommit, height: header.height, round: round, blockID: blockID,
                                timestamp: header.time.adding(milliseconds: 500), validatorAddress: validator.address,
                                validatorIndex: Int32(index))
                vote.sign(with: key, chainID: LightClientAttackEvidenceTests.chainID)
                return CommitSig(blockIDFlag: .commit, validatorAddress: validator.address, timestamp: vote.timestamp,
                                 signature: vote.signature)
            }
            return Commit(height: header.height, round: round, blockID: blockID, signatures: signatures)
        }

        var addresses: [Address] { validators.validators.map(\.address) }
    }

    /// A lunatic attack at height 4 from common height 2: the first two validators (1/2 of the
    /// common set's power) sign a header naming themselves as the whole set, with another app hash.
    static func lunatic(_ chain: Chain, signers count: Int = 2) throws -> (LightClientAttackEvidence, common: Header,
                                                                          trusted: Header, trustedCommit: Commit) {
        let attackers = Array(chain.validators.validators.prefix(count))
        let fakeSet = try ValidatorSet(validators: attackers.map { Validator(publicKey: $0.publicKey, votingPower: 10) })
        let conflicting = chain.header(4, validators: fakeSet, appHash: Bytes(repeating: 0xBB, count: 32))
        let common = chain.header(2), trusted = chain.header(4)
        let evidence = LightClientAttackEvidence(
            conflictingHeader: conflicting, conflictingCommit: try chain.sign(conflicting, by: fakeSet),
            conflictingValidators: fakeSet, commonHeight: 2, byzantineValidators: attackers.sorted(by: { a, b in
                a.votingPower != b.votingPower ? a.votingPower > b.votingPower : a.address < b.address }),
            totalVotingPower: 40, timestamp: common.time)
        return (evidence, common, trusted, try chain.sign(trusted, by: chain.validators))
    }

    @Test func aLunaticAttackVerifiesAndNamesItsSigners() throws {
        let chain = try Chain()
        let (evidence, common, trusted, trustedCommit) = try Self.lunatic(chain)
        #expect(evidence.conflictingHeaderIsInvalid(trusted: trusted))
        let computed = evidence.computeByzantineValidators(commonValidators: chain.validators, trusted: trusted,
                                                           trustedCommit: trustedCommit)
        #expect(Set(computed.map(\.address)) == Set(chain.addresses.prefix(2)))
        try evidence.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                            commonValidators: chain.validators)
        #expect(evidence.height == 2)
    }

    @Test func forgedEvidenceIsRefusedWithItsReason() throws {
        let chain = try Chain()
        let (honest, common, trusted, trustedCommit) = try Self.lunatic(chain)
        func reason(_ evidence: LightClientAttackEvidence) -> EvidenceError? {
            do {
                try evidence.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                                    commonValidators: chain.validators)
                return nil
            } catch { return error }
        }
        // One validator alone (1/4 of the common set) cannot make a light client skip to its header.
        let (lone, _, _, _) = try Self.lunatic(chain, signers: 1)
        #expect(reason(lone)?.reason.contains("more than 1/3 is needed") == true)
        // An honest validator named among the byzantine ones.
        var framed = honest
        framed.byzantineValidators[1] = chain.validators.validators[3]
        #expect(reason(framed)?.field == "byzantine_validators[1]")
        // A signature that does not verify.
        var badSignature = honest
        badSignature.conflictingCommit.signatures[0].signature[0] ^= 0x01
        #expect(reason(badSignature)?.field.hasPrefix("conflicting_block.signed_header.commit") == true)
        // A timestamp that is not the common block's.
        var wrongTime = honest
        wrongTime.timestamp = Timestamp(seconds: 5)
        #expect(reason(wrongTime)?.field == "timestamp")
        // Our own header is no conflict.
        var ours = honest
        ours.conflictingHeader = trusted
        ours.conflictingCommit = trustedCommit
        ours.conflictingValidators = chain.validators
        ours.byzantineValidators = []
        #expect(reason(ours)?.reason.contains("no conflict") == true)
        #expect(reason(ours)?.description.hasPrefix("LightClientAttackEvidence.") == true)
    }

    @Test func equivocationAndAmnesiaAreToldApart() throws {
        let chain = try Chain()
        let common = chain.header(3), trusted = chain.header(3)
        let trustedCommit = try chain.sign(trusted, by: chain.validators)
        // Same derived fields, another block (other transactions): three validators signed both.
        let other = chain.header(3, dataHash: SHA256Hash.digest(Array("other txs".utf8)))
        let signers = Set(chain.addresses.prefix(3))
        var evidence = LightClientAttackEvidence(
            conflictingHeader: other, conflictingCommit: try chain.sign(other, by: chain.validators, signers: signers),
            conflictingValidators: chain.validators, commonHeight: 3, byzantineValidators: [], totalVotingPower: 40,
            timestamp: common.time)
        #expect(!evidence.conflictingHeaderIsInvalid(trusted: trusted))
        let equivocators = evidence.computeByzantineValidators(commonValidators: chain.validators, trusted: trusted,
                                                               trustedCommit: trustedCommit)
        #expect(Set(equivocators.map(\.address)) == signers)
        evidence.byzantineValidators = equivocators
        try evidence.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                            commonValidators: chain.validators)
        // At the common height a wrongly derived header cannot be: the heights agree up to it.
        var lunaticAtCommon = evidence
        lunaticAtCommon.conflictingHeader.appHash = Bytes(repeating: 0xCC, count: 32)
        lunaticAtCommon.conflictingCommit = try chain.sign(lunaticAtCommon.conflictingHeader, by: chain.validators, signers: signers)
        #expect(throws: EvidenceError.self) {
            try lunaticAtCommon.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                                       commonValidators: chain.validators)
        }
        // Signed in another round: amnesia, nobody can be named, and evidence naming someone is refused.
        evidence.conflictingCommit = try chain.sign(other, by: chain.validators, signers: signers, round: 1)
        #expect(evidence.computeByzantineValidators(commonValidators: chain.validators, trusted: trusted,
                                                    trustedCommit: trustedCommit).isEmpty)
        #expect(throws: EvidenceError.self) {
            try evidence.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                                commonValidators: chain.validators)
        }
        evidence.byzantineValidators = []
        try evidence.verify(chainID: Self.chainID, common: common, trusted: trusted, trustedCommit: trustedCommit,
                            commonValidators: chain.validators)
    }

    @Test func wireRoundTripAndValidateBasic() throws {
        let chain = try Chain()
        let (evidence, _, _, _) = try Self.lunatic(chain)
        let decoded = try LightClientAttackEvidence(protobuf: evidence.protobuf)
        #expect(decoded == evidence)
        #expect(decoded.hash() == evidence.hash() && decoded.protobuf == evidence.protobuf)
        // The hash covers the conflicting header and common height only (CometBFT's choice).
        var fewerByzantine = evidence
        fewerByzantine.byzantineValidators.removeLast()
        #expect(fewerByzantine.hash() == evidence.hash())
        var otherCommon = evidence
        otherCommon.commonHeight = 3
        #expect(otherCommon.hash() != evidence.hash())

        var missing = evidence.proto
        missing.clearConflictingBlock()
        #expect(throws: DecodingError.self) { try LightClientAttackEvidence(proto: missing) }
        var ahead = evidence.proto
        ahead.commonHeight = 5
        let error = try #require(throws: DecodingError.self) { try LightClientAttackEvidence(proto: ahead) }
        #expect(error.field == "common_height")
        var otherSet = evidence.proto
        otherSet.conflictingBlock.validatorSet = chain.validators.proto
        #expect(throws: DecodingError.self) { try LightClientAttackEvidence(proto: otherSet) }
    }
}
