import Foundation
import PalisadeCrypto
@testable import PalisadeTypes
import Testing

/// `ValidatorSet.verifyCommit` against a real CometBFT 0.38 chain and against commits we sign.
@Suite struct CommitVerificationTests {
    typealias S = ValidatorTestSupport

    /// The genesis validator of the recorded `dockerchain`.
    static func genesisValidatorSet() throws -> ValidatorSet {
        let genesis = try RPCFixtures.dict(try Fixtures.json("cometbft-0.38-rpc/genesis.json"), "result")
        let validators = try #require(try RPCFixtures.dict(genesis, "genesis")["validators"] as? [[String: Any]])
        return try ValidatorSet(validators: try validators.map { entry in
            let keyText = try #require(try RPCFixtures.dict(entry, "pub_key")["value"] as? String)
            let keyBytes = try #require(Data(base64Encoded: keyText))
            let key = try #require(Ed25519PublicKey(bytes: Bytes(keyBytes)))
            let validator = Validator(publicKey: key, votingPower: try RPCFixtures.int(entry, "power"))
            #expect(validator.address.bytes == (try RPCFixtures.hex(entry, "address")))
            return validator
        })
    }

    /// A commit in CometBFT's RPC JSON shape.
    static func commit(_ json: [String: Any]) throws -> Commit {
        let signatures = try #require(json["signatures"] as? [[String: Any]])
        return Commit(
            height: try RPCFixtures.int(json, "height"), round: Int32(try RPCFixtures.int(json, "round")),
            blockID: try RPCFixtures.blockID(try RPCFixtures.dict(json, "block_id")),
            signatures: try signatures.map { sig in
                let flag = try #require(BlockIDFlag(rawValue: Int32(try RPCFixtures.int(sig, "block_id_flag"))))
                let signature = (sig["signature"] as? String).flatMap { Data(base64Encoded: $0) }.map(Bytes.init) ?? []
                return CommitSig(blockIDFlag: flag, validatorAddress: Address(bytes: try RPCFixtures.hex(sig, "validator_address")),
                                 timestamp: try RPCFixtures.time(sig, "timestamp"), signature: signature)
            })
    }

    static func commitAtHeight10() throws -> Commit {
        let result = try RPCFixtures.dict(try Fixtures.json("cometbft-0.38-rpc/commit_at_height_10.json"), "result")
        return try commit(try RPCFixtures.dict(try RPCFixtures.dict(result, "signed_header"), "commit"))
    }

    /// Block 10's `last_commit`: the precommits for block 9.
    static func commitAtHeight9() throws -> Commit {
        try commit(try RPCFixtures.dict(try RPCFixtures.dict(try RPCFixtures.block10(), "block"), "last_commit"))
    }

    @Test func realCommitsVerify() throws {
        let set = try Self.genesisValidatorSet()
        for commit in [try Self.commitAtHeight10(), try Self.commitAtHeight9()] {
            try set.verifyCommit(chainID: "dockerchain", blockID: commit.blockID, height: commit.height, commit: commit)
            // Each signature on its own, through the rebuilt sign bytes.
            for (i, sig) in commit.signatures.enumerated() {
                let signBytes = try #require(commit.voteSignBytes(chainID: "dockerchain", index: i))
                #expect(set.validators[i].publicKey.verify(signature: sig.signature, message: signBytes))
                #expect(commit.vote(at: i)?.signBytes(chainID: "dockerchain") == signBytes)
            }
        }
    }

    /// The header of block 10 names block 9's ID, and the commit reproduces it as signed.
    @Test func realCommitMatchesHeader() throws {
        let header = try RPCFixtures.header(try RPCFixtures.dict(try RPCFixtures.dict(try RPCFixtures.block10(), "block"), "header"))
        let commit = try Self.commitAtHeight9()
        #expect(commit.blockID == header.lastBlockID)
        #expect(commit.hash() == header.lastCommitHash)
        #expect(try Self.genesisValidatorSet().hash() == header.validatorsHash)
    }

    @Test func tamperedRealCommitsAreRejected() throws {
        let set = try Self.genesisValidatorSet()
        let commit = try Self.commitAtHeight10()

        var tampered = commit
        tampered.signatures[0].signature[5] ^= 0x01
        #expect(throws: CommitVerificationError.invalidSignature(index: 0, address: set.validators[0].address)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: commit.blockID, height: 10, commit: tampered)
        }

        var otherBlock = commit.blockID
        otherBlock.hash[0] ^= 0x01
        #expect(throws: CommitVerificationError.blockIDMismatch(expected: otherBlock, got: commit.blockID)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: otherBlock, height: 10, commit: commit)
        }
        // A commit rewritten to claim the other block fails on the signature instead.
        var relabelled = commit
        relabelled.blockID = otherBlock
        #expect(throws: CommitVerificationError.invalidSignature(index: 0, address: set.validators[0].address)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: otherBlock, height: 10, commit: relabelled)
        }
        #expect(throws: CommitVerificationError.invalidSignature(index: 0, address: set.validators[0].address)) {
            try set.verifyCommit(chainID: "otherchain", blockID: commit.blockID, height: 10, commit: commit)
        }
        #expect(throws: CommitVerificationError.heightMismatch(expected: 11, got: 10)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: commit.blockID, height: 11, commit: commit)
        }
        // The validator's signature relabelled NIL is over a different vote, so it fails too.
        var asNil = commit
        asNil.signatures[0].blockIDFlag = .nil
        #expect(throws: CommitVerificationError.invalidSignature(index: 0, address: set.validators[0].address)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: commit.blockID, height: 10, commit: asNil)
        }
        // The only validator absent: nothing to check and no power.
        var absent = commit
        absent.signatures[0] = .absent
        #expect(throws: CommitVerificationError.insufficientVotingPower(got: 0, total: 10)) {
            try set.verifyCommit(chainID: "dockerchain", blockID: commit.blockID, height: 10, commit: absent)
        }
    }

    // MARK: - Commits signed here

    static let chainID = "palisade-test"
    static let blockID = BlockID(hash: SHA256Hash.digest(Array("block".utf8)),
                                 partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(Array("parts".utf8))))

    /// A set of `powers.count` validators and a commit at height 5, round 1, where entry i is
    /// signed with `flags[i]`.
    static func signedCommit(powers: [Int64], flags: [BlockIDFlag]) throws -> (ValidatorSet, Commit) {
        let keys = try S.privateKeys(powers.count)
        let set = try ValidatorSet(validators: keys.indices.map { Validator(publicKey: keys[$0].publicKey, votingPower: powers[$0]) })
        let keyByAddress = Dictionary(uniqueKeysWithValues: keys.map { ($0.publicKey.address, $0) })
        let time = Timestamp(seconds: 1_700_000_000, nanos: 123)
        let signatures = try set.validators.enumerated().map { i, v -> CommitSig in
            guard flags[i] != .absent else { return .absent }
            var vote = Vote(type: .precommit, height: 5, round: 1, blockID: flags[i] == .commit ? blockID : .zero,
                            timestamp: time.adding(milliseconds: Int64(i)), validatorAddress: v.address, validatorIndex: Int32(i))
            vote.sign(with: try #require(keyByAddress[v.address]), chainID: chainID)
            return CommitSig(blockIDFlag: flags[i], validatorAddress: v.address, timestamp: vote.timestamp, signature: vote.signature)
        }
        return (set, Commit(height: 5, round: 1, blockID: blockID, signatures: signatures))
    }

    @Test func nilAndAbsentEntriesDoNotCount() throws {
        let (set, commit) = try Self.signedCommit(powers: [1, 1, 1, 1], flags: [.commit, .commit, .commit, .nil])
        try set.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: commit)

        let (set2, commit2) = try Self.signedCommit(powers: [1, 1, 1, 1], flags: [.commit, .commit, .nil, .absent])
        #expect(throws: CommitVerificationError.insufficientVotingPower(got: 2, total: 4)) {
            try set2.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: commit2)
        }
    }

    /// Exactly 2/3 is not enough: the threshold is strict (`power * 3 > total * 2`).
    @Test func exactlyTwoThirdsIsNotEnough() throws {
        let (set, commit) = try Self.signedCommit(powers: [1, 1, 1], flags: [.commit, .commit, .absent])
        #expect(throws: CommitVerificationError.insufficientVotingPower(got: 2, total: 3)) {
            try set.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: commit)
        }
        let (set2, commit2) = try Self.signedCommit(powers: [1, 1, 1], flags: [.commit, .commit, .commit])
        try set2.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: commit2)
    }

    /// Every entry is checked, even after enough power has been counted.
    @Test func badSignatureAfterQuorumIsRejected() throws {
        let (set, signed) = try Self.signedCommit(powers: [1, 1, 1, 1], flags: [.commit, .commit, .commit, .nil])
        var commit = signed
        commit.signatures[3].signature[0] ^= 0x80
        #expect(throws: CommitVerificationError.invalidSignature(index: 3, address: set.validators[3].address)) {
            try set.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: commit)
        }
    }

    @Test func shapeErrors() throws {
        let (set, commit) = try Self.signedCommit(powers: [3, 2, 1], flags: [.commit, .commit, .commit])
        var short = commit
        short.signatures.removeLast()
        #expect(throws: CommitVerificationError.signatureCountMismatch(validators: 3, signatures: 2)) {
            try set.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: short)
        }
        var swapped = commit
        swapped.signatures.swapAt(0, 1)
        #expect(throws: CommitVerificationError.validatorAddressMismatch(
            index: 0, expected: set.validators[0].address, got: set.validators[1].address)) {
            try set.verifyCommit(chainID: Self.chainID, blockID: Self.blockID, height: 5, commit: swapped)
        }
        #expect(commit.voteSignBytes(chainID: Self.chainID, index: 3) == nil)
        #expect(commit.vote(at: -1) == nil)
    }
}
