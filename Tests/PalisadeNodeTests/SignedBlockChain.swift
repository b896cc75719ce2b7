import Foundation
import PalisadeCrypto
import PalisadeTypes
import Testing

/// Whole blocks signed here (headers whose hashes match their bodies, commits by real keys), for
/// serving a chain over RPC without running consensus.
struct SignedBlockChain {
    static let chainID = "light-proxy-test"
    let keys: [Ed25519PrivateKey]
    let validators: ValidatorSet
    /// `blocks[h - 1]` is height h, with the commit that decided it.
    private(set) var blocks: [(block: Block, commit: Commit)] = []

    init(validatorCount: Int, seedOffset: UInt8 = 1) throws {
        keys = try (0..<validatorCount).map { i in
            try #require(Ed25519PrivateKey(seed: Bytes(repeating: UInt8(i) + seedOffset, count: Ed25519PrivateKey.seedSize)))
        }
        validators = try ValidatorSet(validators: keys.map { Validator(publicKey: $0.publicKey, votingPower: 10) })
    }

    mutating func extend(to height: Int64) throws {
        while Int64(blocks.count) < height { try append(appHash: Bytes(repeating: UInt8(blocks.count % 256), count: 32)) }
    }

    mutating func append(appHash: Bytes) throws {
        let height = Int64(blocks.count + 1)
        let previous = blocks.last
        let header = Header(chainID: Self.chainID, height: height,
                            time: Timestamp(seconds: 1_700_000_000 + height),
                            lastBlockID: previous?.commit.blockID ?? .zero,
                            validatorsHash: validators.hash(), nextValidatorsHash: validators.hash(),
                            consensusHash: ConsensusParams.default.hash(), appHash: appHash,
                            lastResultsHash: SHA256Hash.empty,
                            // The proposer `ChainRPCBackend`'s priorities for this height pick.
                            proposerAddress: validators.copyIncrementingProposerPriority(times: Int(height)).proposer?.address
                                ?? validators.validators[0].address)
        var block = Block(header: header, data: BlockData(txs: [Array("k\(height)=v\(height)".utf8)]),
                          lastCommit: previous?.commit ?? .empty)
        block.fillHeaderHashes()
        blocks.append((block, try sign(block, with: validators)))
    }

    /// A commit for `block` by every validator of `set` whose key this chain holds.
    func sign(_ block: Block, with set: ValidatorSet, keys extra: [Ed25519PrivateKey] = []) throws -> Commit {
        let blockID = block.blockID
        let byAddress = Dictionary(uniqueKeysWithValues: (keys + extra).map { ($0.publicKey.address, $0) })
        let signatures = try set.validators.enumerated().map { index, validator -> CommitSig in
            var vote = Vote(type: .precommit, height: block.header.height, round: 0, blockID: blockID,
                            timestamp: block.header.time.adding(milliseconds: 100), validatorAddress: validator.address,
                            validatorIndex: Int32(index))
            vote.sign(with: try #require(byAddress[validator.address]), chainID: Self.chainID)
            return CommitSig(blockIDFlag: .commit, validatorAddress: validator.address, timestamp: vote.timestamp,
                             signature: vote.signature)
        }
        return Commit(height: block.header.height, round: 0, blockID: blockID, signatures: signatures)
    }

    mutating func replace(height: Int64, block: Block, commit: Commit) {
        blocks[Int(height - 1)] = (block, commit)
    }
}
