import Foundation
import PalisadeProto
import PalisadeTypes
import SwiftProtobuf

/// The consensus parameters an app changes at the end of a block: only the sections that are set
/// replace the node's current ones (CometBFT's `consensus_param_updates`), so an app can raise
/// the block size without restating evidence rules.
public struct ConsensusParamsUpdate: Sendable, Hashable {
    public var block: ConsensusParams.Block?
    public var evidence: ConsensusParams.Evidence?
    public var validator: ConsensusParams.Validator?
    public var version: ConsensusParams.Version?
    public var abci: ConsensusParams.ABCI?

    public init(block: ConsensusParams.Block? = nil, evidence: ConsensusParams.Evidence? = nil,
                validator: ConsensusParams.Validator? = nil, version: ConsensusParams.Version? = nil,
                abci: ConsensusParams.ABCI? = nil) {
        self.block = block
        self.evidence = evidence
        self.validator = validator
        self.version = version
        self.abci = abci
    }

    public var isEmpty: Bool { block == nil && evidence == nil && validator == nil && version == nil && abci == nil }

    /// `current` with this update's sections in place; the node validates the result.
    public func applied(to current: ConsensusParams) -> ConsensusParams {
        var out = current
        if let block { out.block = block }
        if let evidence { out.evidence = evidence }
        if let validator { out.validator = validator }
        if let version { out.version = version }
        if let abci { out.abci = abci }
        return out
    }

    public var proto: Tendermint_Types_ConsensusParams {
        var p = Tendermint_Types_ConsensusParams()
        if let block {
            p.block.maxBytes = block.maxBytes
            p.block.maxGas = block.maxGas
        }
        if let evidence {
            p.evidence.maxAgeNumBlocks = evidence.maxAgeNumBlocks
            var d = Google_Protobuf_Duration()
            d.seconds = evidence.maxAgeDurationNanos / 1_000_000_000
            d.nanos = Int32(evidence.maxAgeDurationNanos % 1_000_000_000)
            p.evidence.maxAgeDuration = d
            p.evidence.maxBytes = evidence.maxBytes
        }
        if let validator { p.validator.pubKeyTypes = validator.pubKeyTypes }
        if let version { p.version.app = version.app }
        if let abci { p.abci.voteExtensionsEnableHeight = abci.voteExtensionsEnableHeight }
        return p
    }

    init(proto p: Tendermint_Types_ConsensusParams, at path: MessagePath) throws(DecodingError) {
        self.init()
        if p.hasBlock { block = ConsensusParams.Block(maxBytes: p.block.maxBytes, maxGas: p.block.maxGas) }
        if p.hasEvidence {
            let d = p.evidence.maxAgeDuration
            let at = path.child("evidence.max_age_duration")
            guard abs(d.nanos) < 1_000_000_000, d.seconds == 0 || d.nanos == 0 || (d.seconds < 0) == (d.nanos < 0) else {
                throw at.error("nanos \(d.nanos) invalid for seconds \(d.seconds)")
            }
            let (scaled, o1) = d.seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let (nanos, o2) = scaled.addingReportingOverflow(Int64(d.nanos))
            guard !o1, !o2 else { throw at.error("\(d.seconds)s overflows int64 nanoseconds") }
            evidence = ConsensusParams.Evidence(maxAgeNumBlocks: p.evidence.maxAgeNumBlocks,
                                                maxAgeDurationNanos: nanos, maxBytes: p.evidence.maxBytes)
        }
        if p.hasValidator { validator = ConsensusParams.Validator(pubKeyTypes: p.validator.pubKeyTypes) }
        if p.hasVersion { version = ConsensusParams.Version(app: p.version.app) }
        if p.hasAbci { abci = ConsensusParams.ABCI(voteExtensionsEnableHeight: p.abci.voteExtensionsEnableHeight) }
    }
}
