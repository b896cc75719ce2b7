import PalisadeCrypto
@testable import PalisadeRPC
import PalisadeTypes
import Testing

/// A block's light-client attack evidence in CometBFT's JSON: the amino name and the fields of
/// `LightClientAttackEvidence`, its conflicting light block as `signed_header` and `validator_set`.
@Suite struct EvidenceJSONTests {
    @Test func blockShowsALightClientAttackInCometBFTsShape() throws {
        let key = try #require(Ed25519PrivateKey(seed: Bytes(repeating: 9, count: 32)))
        let set = try ValidatorSet(validators: [Validator(publicKey: key.publicKey, votingPower: 10)])
        let header = Header(chainID: "json", height: 5, time: Timestamp(seconds: 1_700_000_005), lastBlockID: .zero,
                            validatorsHash: set.hash(), nextValidatorsHash: set.hash(), consensusHash: SHA256Hash.empty,
                            proposerAddress: key.publicKey.address)
        let attack = LightClientAttackEvidence(
            conflictingHeader: header, conflictingCommit: .empty, conflictingValidators: set, commonHeight: 3,
            byzantineValidators: set.validators, totalVotingPower: 40, timestamp: Timestamp(seconds: 1_700_000_003))
        let block = Block(header: header, evidence: [.lightClientAttack(attack)], lastCommit: .empty)

        let items = TypesJSON.block(block)["evidence"]?["evidence"]
        guard case .array(let list) = items, list.count == 1 else {
            Issue.record("no evidence list in \(String(describing: items))")
            return
        }
        let item = list[0]
        #expect(item["type"] == .string("tendermint/LightClientAttackEvidence"))
        let value = try #require(item["value"])
        #expect(value["common_height"] == .string("3"))
        #expect(value["total_voting_power"] == .string("40"))
        #expect(value["timestamp"] == TypesJSON.time(attack.timestamp))
        #expect(value["byzantine_validators"] == .array([TypesJSON.validator(set.validators[0])]))
        let lightBlock = try #require(value["conflicting_block"])
        #expect(lightBlock["signed_header"]?["header"] == TypesJSON.header(header))
        #expect(lightBlock["signed_header"]?["commit"] == TypesJSON.commit(.empty))
        #expect(lightBlock["validator_set"]?["total_voting_power"] == .string("10"))
    }
}
