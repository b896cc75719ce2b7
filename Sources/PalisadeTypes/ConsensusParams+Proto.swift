import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

extension ConsensusParams {
    var hashedParamsProto: Tendermint_Types_HashedParams {
        var p = Tendermint_Types_HashedParams()
        p.blockMaxBytes = block.maxBytes
        p.blockMaxGas = block.maxGas
        return p
    }

    /// Every section set, as CometBFT sends params to the app in `InitChain`.
    public var proto: Tendermint_Types_ConsensusParams {
        var p = Tendermint_Types_ConsensusParams()
        p.block.maxBytes = block.maxBytes
        p.block.maxGas = block.maxGas
        p.evidence.maxAgeNumBlocks = evidence.maxAgeNumBlocks
        p.evidence.maxAgeDuration = Self.durationProto(nanos: evidence.maxAgeDurationNanos)
        p.evidence.maxBytes = evidence.maxBytes
        p.validator.pubKeyTypes = validator.pubKeyTypes
        p.version.app = version.app
        p.abci.voteExtensionsEnableHeight = abci.voteExtensionsEnableHeight
        return p
    }

    /// All sections from `proto`; a missing section reads as zeros, which `validate()` then rejects
    /// where zero is not allowed. Use `updated(with:)` for an app's partial update.
    public init(proto: Tendermint_Types_ConsensusParams) throws(DecodingError) {
        self = try ConsensusParams(
            block: Block(maxBytes: 0, maxGas: 0),
            evidence: Evidence(maxAgeNumBlocks: 0, maxAgeDurationNanos: 0, maxBytes: 0),
            validator: Validator(pubKeyTypes: []), version: Version(app: 0), abci: ABCI(voteExtensionsEnableHeight: 0)
        ).updated(with: proto, forceAll: true)
    }

    /// These params with the sections present in `update` replaced, as CometBFT applies the
    /// `consensus_param_updates` an app returns. The result is not yet validated.
    public func updated(with update: Tendermint_Types_ConsensusParams) throws(DecodingError) -> ConsensusParams {
        try updated(with: update, forceAll: false)
    }

    private func updated(with p: Tendermint_Types_ConsensusParams, forceAll: Bool) throws(DecodingError) -> ConsensusParams {
        var out = self
        if forceAll || p.hasBlock {
            out.block = Block(maxBytes: p.block.maxBytes, maxGas: p.block.maxGas)
        }
        if forceAll || p.hasEvidence {
            let path = FieldPath(message: "ConsensusParams", path: "evidence.max_age_duration")
            out.evidence = Evidence(maxAgeNumBlocks: p.evidence.maxAgeNumBlocks,
                                    maxAgeDurationNanos: try Self.nanos(p.evidence.maxAgeDuration, at: path),
                                    maxBytes: p.evidence.maxBytes)
        }
        if forceAll || p.hasValidator { out.validator = Validator(pubKeyTypes: p.validator.pubKeyTypes) }
        if forceAll || p.hasVersion { out.version = Version(app: p.version.app) }
        if forceAll || p.hasAbci { out.abci = ABCI(voteExtensionsEnableHeight: p.abci.voteExtensionsEnableHeight) }
        return out
    }

    /// Go's duration encoding: whole seconds and the remaining nanoseconds, both carrying the sign.
    static func durationProto(nanos: Int64) -> Google_Protobuf_Duration {
        var d = Google_Protobuf_Duration()
        d.seconds = nanos / 1_000_000_000
        d.nanos = Int32(nanos % 1_000_000_000)
        return d
    }

    static func nanos(_ d: Google_Protobuf_Duration, at path: FieldPath) throws(DecodingError) -> Int64 {
        guard d.nanos > -1_000_000_000, d.nanos < 1_000_000_000 else { throw path.error("nanos \(d.nanos) out of range") }
        let (scaled, overflow) = d.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(Int64(d.nanos))
        guard !overflow, !overflow2 else { throw path.error("\(d.seconds)s does not fit in 64-bit nanoseconds") }
        return total
    }
}
