import Foundation
import PalisadeCrypto
@testable import PalisadeTypes
import Testing

@Suite struct GenesisValidatorSetTests {
    /// The real chain's genesis validators hash to the `validators_hash` in its block 10 header.
    @Test func realGenesisSetHashesToTheHeadersValidatorsHash() throws {
        let doc = try GenesisDoc(json: try GenesisTests.realGenesisData(), fileName: "genesis.json")
        let set = try #require(try doc.validatorSet())
        let header = try RPCFixtures.dict(try RPCFixtures.dict(try RPCFixtures.block10(), "block"), "header")
        #expect(set.hash() == (try RPCFixtures.hex(header, "validators_hash")))
        #expect(set.hash().upperHex.hasPrefix("33415EFF"))
    }

    @Test func exampleGenesisSet() throws {
        let doc = try GenesisDoc(json: try GenesisTests.exampleData(), fileName: "Genesis/genesis.json")
        let set = try #require(try doc.validatorSet())
        #expect(set.count == 4)
        #expect(set.totalVotingPower == 100)
    }

    @Test func noValidatorsNoSet() throws {
        let doc = try GenesisDoc(json: Data(#"{"chain_id":"c"}"#.utf8), fileName: "g.json")
        #expect(try doc.validatorSet() == nil)
    }
}
