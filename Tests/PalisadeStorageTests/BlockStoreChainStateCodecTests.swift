import Foundation
import PalisadeCrypto
import PalisadeState
import PalisadeStorage
import PalisadeTypes
import Testing

@Suite("BlockStore: ChainState JSON round trip")
struct BlockStoreChainStateCodecTests {
    @Test func genesisStateRoundTrips() throws {
        let state = try BlockStoreWorkload().initialState
        #expect(state.lastValidators == nil)
        #expect(try ChainStateCodec.decode(ChainStateCodec.encode(state)) == state)
    }

    @Test func stateWithChangedValidatorsAndParamsRoundTrips() throws {
        var workload = try BlockStoreWorkload(validators: 7)
        for _ in 0..<3 { _ = try workload.next() }
        var state = workload.state
        // Proposer priorities differ after a few heights, and must survive exactly.
        state.nextValidators = state.nextValidators.copyIncrementingProposerPriority(times: 5)
        state.consensusParams = ConsensusParams(block: .init(maxBytes: 1_000_000, maxGas: 50_000_000),
                                                evidence: .init(maxAgeNumBlocks: 7, maxAgeDurationNanos: -1_500_000_001,
                                                                maxBytes: 4096),
                                                validator: .init(pubKeyTypes: ["ed25519", "secp256k1"]),
                                                version: .init(app: 9), abci: .init(voteExtensionsEnableHeight: 12))
        state.lastBlockTime = Timestamp(seconds: -5, nanos: 999_999_999)
        state.appHash = [0xAB, 0xCD]
        state.lastResultsHash = []
        state.version = ConsensusVersion(block: 11, app: 9)
        state.initialHeight = 1_000_000_000_000
        #expect(state.lastValidators != nil)
        let bytes = ChainStateCodec.encode(state)
        #expect(try ChainStateCodec.decode(bytes) == state)
        // Deterministic: the same state always gives the same bytes.
        #expect(ChainStateCodec.encode(try ChainStateCodec.decode(bytes)) == bytes)
    }

    /// The encoder writes JSON by hand; the chain ID is its only free text and must come back intact.
    @Test func chainIDWithCharactersJSONEscapesRoundTrips() throws {
        var state = try BlockStoreWorkload().initialState
        state.chainID = "a\"b\\c\u{01}\nd/é"
        let bytes = ChainStateCodec.encode(state)
        #expect(try JSONSerialization.jsonObject(with: Data(bytes)) is [String: Any])
        #expect(try ChainStateCodec.decode(bytes) == state)
    }

    @Test func malformedDocumentsNameTheField() throws {
        let good = ChainStateCodec.encode(try BlockStoreWorkload().initialState)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(good)) as? [String: Any])

        func decodeError(_ change: (inout [String: Any]) -> Void) throws -> String {
            var copy = object
            change(&copy)
            let bytes = Bytes(try JSONSerialization.data(withJSONObject: copy))
            let error = #expect(throws: PalisadeTypes.DecodingError.self) { _ = try ChainStateCodec.decode(bytes) }
            return error?.description ?? ""
        }
        #expect(try decodeError { $0["format"] = 2 }.contains("ChainState.format"))
        #expect(try decodeError { $0["validators"] = "!!" }.contains("ChainState.validators: not base64"))
        #expect(try decodeError { $0["app_hash"] = "xyz" }.contains("ChainState.app_hash"))
        #expect(try decodeError { $0.removeValue(forKey: "chain_id") }.contains("ChainState.chain_id: missing"))
        #expect(try decodeError { $0["last_block_height"] = "seven" }.contains("ChainState.last_block_height"))
        object["next_validators"] = Data([0x0A, 0x01]).base64EncodedString()
        #expect(try decodeError { _ in }.contains("ChainState.next_validators"))
        #expect(throws: PalisadeTypes.DecodingError.self) { _ = try ChainStateCodec.decode(Array("not json".utf8)) }
    }
}
