import Foundation
import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

/// The real chain's block 10 rebuilt as protobuf: its part-set hash must be the one the node reported,
/// which pins down every encoding choice (non-nullable empty messages included) byte for byte.
@Suite struct BlockEncodingFixtureTests {
    static func commitProto(_ c: [String: Any]) throws -> Tendermint_Types_Commit {
        var commit = Tendermint_Types_Commit()
        commit.height = try RPCFixtures.int(c, "height")
        commit.round = Int32(try RPCFixtures.int(c, "round"))
        commit.blockID = try RPCFixtures.blockID(try RPCFixtures.dict(c, "block_id")).proto
        for s in try #require(c["signatures"] as? [[String: Any]]) {
            var sig = Tendermint_Types_CommitSig()
            let flag = Int(try RPCFixtures.int(s, "block_id_flag"))
            sig.blockIDFlag = try #require(Tendermint_Types_BlockIDFlag(rawValue: flag))
            sig.validatorAddress = try RPCFixtures.hex(s, "validator_address").data
            sig.timestamp = try RPCFixtures.time(s, "timestamp").proto
            let signature = try #require(s["signature"] as? String)
            sig.signature = try #require(Data(base64Encoded: signature))
            commit.signatures.append(sig)
        }
        return commit
    }

    @Test func block10PartSetHashMatches() throws {
        let result = try RPCFixtures.block10()
        let block = try RPCFixtures.dict(result, "block")
        var proto = Tendermint_Types_Block()
        proto.header = try RPCFixtures.header(try RPCFixtures.dict(block, "header")).proto
        proto.data = BlockData().proto
        proto.evidence = Tendermint_Types_EvidenceList()
        proto.lastCommit = try Self.commitProto(try RPCFixtures.dict(block, "last_commit"))
        let parts = PartSet(data: CanonicalEncoding.encode(proto))
        let expected = try RPCFixtures.blockID(try RPCFixtures.dict(result, "block_id"))
        #expect(parts.header == expected.partSetHeader)
        #expect(parts.header.hash.upperHex.hasPrefix("FF0A320E"))
    }

    /// The same block as a `Block`: it passes `validateBasic` (its header's data, evidence and
    /// last-commit hashes match its body) and its `blockID` is the one the chain recorded.
    @Test func block10AsBlockValue() throws {
        let result = try RPCFixtures.block10()
        let json = try RPCFixtures.dict(result, "block")
        var proto = Tendermint_Types_Block()
        proto.header = try RPCFixtures.header(try RPCFixtures.dict(json, "header")).proto
        proto.data = BlockData().proto
        proto.lastCommit = try Self.commitProto(try RPCFixtures.dict(json, "last_commit"))
        let block = try Block(proto: proto)
        #expect(block.blockID == (try RPCFixtures.blockID(try RPCFixtures.dict(result, "block_id"))))
        #expect(try Block(protobuf: block.protobuf) == block)
    }
}
