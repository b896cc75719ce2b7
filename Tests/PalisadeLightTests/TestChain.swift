import Foundation
import PalisadeCrypto
import PalisadeLight
import PalisadeTypes
import Testing

/// A chain signed here, height by height, whose validator set can change at any height: what the
/// light client verifies in these tests. Keys come from fixed seeds so runs are repeatable.
struct TestChain {
    static let chainID = "light-test"
    static let genesisTime = Timestamp(seconds: 1_700_000_000)

    /// Every key that can ever validate, by address.
    let keys: [Address: Ed25519PrivateKey]
    /// `blocks[h - 1]` is height h.
    private(set) var blocks: [LightBlock] = []

    init(keyCount: Int) throws {
        var keys: [Address: Ed25519PrivateKey] = [:]
        for i in 0..<keyCount {
            let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(i + 1), count: Ed25519PrivateKey.seedSize)))
            keys[key.publicKey.address] = key
        }
        self.keys = keys
    }

    /// The validator set of `indices` (into the keys sorted by address), each with `power`.
    func set(_ indices: [Int], power: Int64 = 10) throws -> ValidatorSet {
        let sorted = keys.keys.sorted()
        return try ValidatorSet(validators: try indices.map { i in
            let key = try #require(keys[sorted[i]])
            return Validator(publicKey: key.publicKey, votingPower: power)
        })
    }

    /// Appends heights signed by `validators`, naming `next` (default: the same set) as the set
    /// of the height after. `signers` limits who signs (default: everyone).
    mutating func extend(by count: Int, validators: ValidatorSet, next: ValidatorSet? = nil,
                         signers: Set<Address>? = nil, secondsApart: Int64 = 1) throws {
        for _ in 0..<count {
            try append(validators: validators, next: next ?? validators, signers: signers, secondsApart: secondsApart)
        }
    }

    mutating func append(validators: ValidatorSet, next: ValidatorSet, signers: Set<Address>? = nil,
                         secondsApart: Int64 = 1, appHash: Bytes = Bytes(repeating: 0xAA, count: 32)) throws {
        let height = Int64(blocks.count + 1)
        let previous = blocks.last
        let header = Header(
            chainID: Self.chainID, height: height,
            time: Self.genesisTime.adding(nanoseconds: height * secondsApart * 1_000_000_000),
            lastBlockID: previous?.commit.blockID ?? .zero,
            lastCommitHash: SHA256Hash.digest(Array("last-commit-\(height)".utf8)),
            dataHash: SHA256Hash.empty, validatorsHash: validators.hash(), nextValidatorsHash: next.hash(),
            consensusHash: SHA256Hash.digest(Array("params".utf8)), appHash: appHash,
            lastResultsHash: SHA256Hash.empty, evidenceHash: SHA256Hash.empty,
            proposerAddress: validators.validators[0].address)
        let commit = try sign(header, validators: validators, signers: signers)
        blocks.append(LightBlock(header: header, commit: commit, validatorSet: validators))
    }

    /// A commit for `header` by `validators` in set order; those not in `signers` are absent.
    func sign(_ header: Header, validators: ValidatorSet, signers: Set<Address>? = nil) throws -> Commit {
        let blockID = BlockID(hash: header.hash(),
                              partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest(header.hash())))
        let signatures = try validators.validators.enumerated().map { index, validator -> CommitSig in
            guard signers?.contains(validator.address) ?? true else { return .absent }
            var vote = Vote(type: .precommit, height: header.height, round: 0, blockID: blockID,
                            timestamp: header.time.adding(milliseconds: 500), validatorAddress: validator.address,
                            validatorIndex: Int32(index))
            vote.sign(with: try #require(keys[validator.address]), chainID: Self.chainID)
            return CommitSig(blockIDFlag: .commit, validatorAddress: validator.address,
                             timestamp: vote.timestamp, signature: vote.signature)
        }
        return Commit(height: header.height, round: 0, blockID: blockID, signatures: signatures)
    }

    func block(_ height: Int64) throws -> LightBlock {
        try #require(blocks.indices.contains(Int(height - 1)) ? blocks[Int(height - 1)] : nil)
    }

    mutating func replaceBlock(_ block: LightBlock) {
        blocks[Int(block.height - 1)] = block
    }

    var latestTime: Timestamp { blocks.last?.time ?? Self.genesisTime }
}

/// A provider serving a `TestChain` (or a forged copy), counting what it was asked.
final class ChainProvider: LightProvider, @unchecked Sendable {
    let id: String
    private let lock = NSLock()
    private var chain: [Int64: LightBlock]
    private var asked: [Int64] = []

    init(id: String, blocks: [LightBlock]) {
        self.id = id
        chain = Dictionary(uniqueKeysWithValues: blocks.map { ($0.height, $0) })
    }

    var requests: [Int64] { lock.withLock { asked } }

    func replace(_ block: LightBlock) { lock.withLock { chain[block.height] = block } }

    func lightBlock(height: Int64?) async throws(LightProviderError) -> LightBlock {
        let answer: LightBlock? = lock.withLock {
            let h = height ?? chain.keys.max() ?? 0
            asked.append(h)
            return chain[h]
        }
        guard let answer else { throw .lightBlockNotFound(height: height ?? 0) }
        return answer
    }
}
