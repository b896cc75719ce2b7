import Foundation
import PalisadeConsensus
import PalisadeCrypto
import PalisadeTypes
import Testing

/// A fresh directory under the system temp dir, removed by `remove()` (call it in `defer`).
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("palisade-storage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func write(_ bytes: Bytes, to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func read(_ name: String) throws -> Bytes {
        Bytes(try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
}

enum Fixture {
    static let chainID = "palisade-test"

    static func privateKey(_ seedByte: UInt8 = 7) throws -> Ed25519PrivateKey {
        try #require(Ed25519PrivateKey(seed: Bytes(repeating: seedByte, count: 32)))
    }

    /// A home directory with a key file and no state file.
    static func home(seedByte: UInt8 = 7) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(PrivValidatorKey(privateKey: try privateKey(seedByte)).jsonData().bytesForTest, to: PrivValidatorKey.fileName)
        return directory
    }

    static func blockID(_ tag: UInt8) -> BlockID {
        let hash = SHA256Hash.digest([tag])
        return BlockID(hash: hash, partSetHeader: PartSetHeader(total: 1, hash: SHA256Hash.digest([tag, tag])))
    }

    static func time(_ seconds: Int64, nanos: Int32 = 0) -> Timestamp { Timestamp(seconds: 1_700_000_000 + seconds, nanos: nanos) }

    static func vote(_ type: VoteType = .prevote, height: Int64, round: Int32, block: UInt8? = 1,
                     time: Timestamp = Fixture.time(0), address: Address) -> Vote {
        Vote(type: type, height: height, round: round, blockID: block.map(blockID) ?? .zero, timestamp: time,
             validatorAddress: address, validatorIndex: 0)
    }

    static func proposal(height: Int64, round: Int32, polRound: Int32 = -1, block: UInt8 = 1,
                         time: Timestamp = Fixture.time(0)) -> Proposal {
        Proposal(height: height, round: round, polRound: polRound, blockID: blockID(block), timestamp: time)
    }

    static func validatorSet() throws -> ValidatorSet {
        let validators = try (1...4).map { seed in
            Validator(publicKey: try privateKey(UInt8(seed)).publicKey, votingPower: Int64(seed * 10))
        }
        return try ValidatorSet(validators: validators)
    }

    /// One of every `Input` case, signed where the type requires a signature.
    static func everyInput() throws -> [Input] {
        let key = try privateKey()
        var vote = Fixture.vote(.precommit, height: 5, round: 2, address: key.publicKey.address)
        vote.sign(with: key, chainID: chainID)
        var nilVote = Fixture.vote(.prevote, height: 5, round: 3, block: nil, address: key.publicKey.address)
        nilVote.sign(with: key, chainID: chainID)
        var proposal = Fixture.proposal(height: 5, round: 2, polRound: 1)
        proposal.signature = key.sign(proposal.signBytes(chainID: chainID))
        return [
            .startHeight(HeightStart(height: 5, validators: try validatorSet(), lastBlockTime: time(-5, nanos: 17), now: time(1))),
            .proposal(proposal, now: time(2, nanos: 999_999_999)),
            .proposalValidity(height: 5, round: 2, blockID: blockID(1), valid: true, now: time(3)),
            .proposalValidity(height: 5, round: 2, blockID: blockID(2), valid: false, now: time(3)),
            .proposalValue(height: 5, round: 0, blockID: blockID(3), now: time(4)),
            .vote(vote, now: time(5)),
            .vote(nilVote, now: time(5)),
            .timeout(Timeout(height: 5, round: 2, step: .propose, duration: 3000), now: time(6)),
            .timeout(Timeout(height: 5, round: 2, step: .prevote, duration: 1000), now: time(6)),
            .timeout(Timeout(height: 5, round: 2, step: .precommit, duration: 1000), now: Timestamp.goZero),
        ]
    }
}

extension Data {
    var bytesForTest: Bytes { Bytes(self) }
}
