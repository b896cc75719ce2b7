import PalisadeCrypto
import PalisadeProto
@testable import PalisadeTypes
import Testing

@Suite struct ConsensusParamsTests {
    @Test func defaultsAreCometBFTs() throws {
        let p = ConsensusParams.default
        #expect(p.block.maxBytes == 22_020_096)
        #expect(p.block.maxGas == -1)
        #expect(p.evidence.maxAgeNumBlocks == 100_000)
        #expect(p.evidence.maxAgeDurationNanos == 172_800_000_000_000)
        #expect(p.evidence.maxBytes == 1_048_576)
        #expect(p.validator.pubKeyTypes == ["ed25519"])
        #expect(p.version.app == 0)
        #expect(p.abci.voteExtensionsEnableHeight == 0)
        try p.validate()
    }

    /// The real chain's genesis params are the defaults; its block 10 header carries their hash.
    @Test func hashMatchesRealChainHeader() throws {
        let header = try RPCFixtures.dict(try RPCFixtures.dict(try RPCFixtures.block10(), "block"), "header")
        #expect(ConsensusParams.default.hash() == (try RPCFixtures.hex(header, "consensus_hash")))
    }

    @Test func hashCoversOnlyBlockLimits() {
        var p = ConsensusParams.default
        let before = p.hash()
        p.evidence.maxAgeNumBlocks = 5
        p.abci.voteExtensionsEnableHeight = 9
        #expect(p.hash() == before)
        p.block.maxGas = 1000
        #expect(p.hash() != before)
    }

    @Test func protoRoundTrip() throws {
        var p = ConsensusParams.default
        p.evidence.maxAgeDurationNanos = 1_500_000_001
        p.version.app = 3
        p.abci.voteExtensionsEnableHeight = 10
        #expect(try ConsensusParams(proto: p.proto) == p)
        #expect(p.proto.evidence.maxAgeDuration.seconds == 1)
        #expect(p.proto.evidence.maxAgeDuration.nanos == 500_000_001)
    }

    @Test func partialUpdateReplacesOnlyPresentSections() throws {
        var update = Tendermint_Types_ConsensusParams()
        update.block.maxBytes = 1_000_000
        update.block.maxGas = 50
        let updated = try ConsensusParams.default.updated(with: update)
        #expect(updated.block == ConsensusParams.Block(maxBytes: 1_000_000, maxGas: 50))
        #expect(updated.evidence == ConsensusParams.default.evidence)
        #expect(updated.validator == ConsensusParams.default.validator)
    }

    @Test func durationOverflowIsAnError() {
        var update = Tendermint_Types_ConsensusParams()
        update.evidence.maxAgeDuration.seconds = Int64.max / 10
        #expect { try ConsensusParams.default.updated(with: update) } throws: {
            ($0 as? DecodingError)?.field == "evidence.max_age_duration"
        }
    }

    @Test func validationNamesTheField() {
        let cases: [(String, (inout ConsensusParams) -> Void)] = [
            ("block.max_bytes", { $0.block.maxBytes = 0 }),
            ("block.max_bytes", { $0.block.maxBytes = -2 }),
            ("block.max_bytes", { $0.block.maxBytes = 104_857_601 }),
            ("block.max_gas", { $0.block.maxGas = -2 }),
            ("evidence.max_age_num_blocks", { $0.evidence.maxAgeNumBlocks = 0 }),
            ("evidence.max_age_duration", { $0.evidence.maxAgeDurationNanos = -1 }),
            ("evidence.max_bytes", { $0.evidence.maxBytes = 22_020_097 }),
            ("evidence.max_bytes", { $0.evidence.maxBytes = -1 }),
            ("abci.vote_extensions_enable_height", { $0.abci.voteExtensionsEnableHeight = -1 }),
            ("validator.pub_key_types", { $0.validator.pubKeyTypes = [] }),
            ("validator.pub_key_types[1]", { $0.validator.pubKeyTypes = ["ed25519", "rsa"] }),
        ]
        for (field, change) in cases {
            var p = ConsensusParams.default
            change(&p)
            #expect { try p.validate() } throws: { ($0 as? DecodingError)?.field == field }
        }
    }

    @Test func minusOneMaxBytesMeansTheCeiling() throws {
        var p = ConsensusParams.default
        p.block.maxBytes = -1
        p.evidence.maxBytes = 50_000_000
        try p.validate()
        #expect(p.effectiveMaxBlockBytes == 104_857_600)
    }
}
