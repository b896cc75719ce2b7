import PalisadeCrypto
import PalisadeTypes

/// The evidence rules a block must meet (CometBFT's evidence pool `CheckEvidence` as far as the
/// state can judge): each item is from a past height, not yet expired, unique in the block,
/// signed by the validator set of its own height, and all of it fits the evidence byte budget.
public enum EvidenceCheck {
    static func verify(_ evidence: [Evidence], height: Int64, time: Timestamp, state: ChainState,
                       validatorSetAt: (Int64) -> ValidatorSet?) throws(BlockValidationError) {
        let params = state.consensusParams.evidence
        var seen = Set<Bytes>()
        var totalBytes: Int64 = 0
        for (index, item) in evidence.enumerated() {
            let field = "evidence[\(index)]"
            totalBytes += Int64(item.protobuf.count)
            guard totalBytes <= params.maxBytes else {
                throw BlockValidationError(field: "evidence",
                                           reason: "more than the \(params.maxBytes) bytes consensus params allow")
            }
            guard seen.insert(item.hash()).inserted else {
                throw BlockValidationError(field: field, reason: "duplicate of an earlier item")
            }
            guard item.height < height else {
                throw BlockValidationError(field: "\(field).height",
                                           reason: "\(item.height) is not below the block height \(height)")
            }
            if isExpired(evidenceHeight: item.height, evidenceTime: item.time, height: height, time: time,
                         params: params) {
                throw BlockValidationError(field: "\(field).timestamp", reason: "expired: \(height - item.height) blocks old")
            }
            // A light-client attack is proven against our headers at its common and conflicting
            // heights, which only the evidence pool reads (`problemWithProposed`), as in CometBFT.
            guard case .duplicateVote(let vote) = item else { continue }
            guard let validators = validatorSetAt(item.height) else {
                throw BlockValidationError(field: "\(field).height",
                                           reason: "no validator set known for height \(item.height)")
            }
            do { try vote.verify(chainID: state.chainID, validatorSet: validators) } catch {
                throw BlockValidationError(field: "\(field).\(error.field)", reason: error.reason)
            }
        }
    }

    /// Expired only when too old both in blocks and in time, as CometBFT decides: a chain that
    /// stalls for a day still punishes, and so does one that races through many blocks.
    public static func isExpired(evidenceHeight: Int64, evidenceTime: Timestamp, height: Int64, time: Timestamp,
                                 params: ConsensusParams.Evidence) -> Bool {
        height - evidenceHeight > params.maxAgeNumBlocks
            && ageNanos(from: evidenceTime, to: time) > params.maxAgeDurationNanos
    }

    /// `to - from` in nanoseconds, saturating rather than wrapping for timestamps far apart.
    static func ageNanos(from: Timestamp, to: Timestamp) -> Int64 {
        let seconds = to.seconds.subtractingReportingOverflow(from.seconds)
        let scaled = seconds.partialValue.multipliedReportingOverflow(by: 1_000_000_000)
        guard !seconds.overflow, !scaled.overflow else { return to < from ? Int64.min : Int64.max }
        let total = scaled.partialValue.addingReportingOverflow(Int64(to.nanos) - Int64(from.nanos))
        guard !total.overflow else { return to < from ? Int64.min : Int64.max }
        return total.partialValue
    }
}
