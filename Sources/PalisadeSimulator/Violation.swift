import PalisadeTypes

/// A broken invariant found by `SafetyChecker`. Validators are named by their index in the
/// simulated validator set (`v3`), blocks by `BlockID.description`.
public enum Violation: Sendable, Hashable, CustomStringConvertible {
    /// Two honest validators (or one, twice) decided different blocks at one height: a fork.
    case agreement(height: Int64, first: Int, firstBlock: BlockID, second: Int, secondBlock: BlockID)
    /// An honest validator decided a block that the proposer of that (height, round) never
    /// proposed, or that the application judged invalid.
    case validity(validator: Int, height: Int64, round: Int32, block: BlockID, reason: String)
    /// An honest validator signed two different votes for one (height, round, type).
    case doubleSign(validator: Int, height: Int64, round: Int32, type: VoteType, first: BlockID, second: BlockID)
    /// An honest validator received two conflicting votes but never reported `.duplicateVote`.
    case missingEvidence(receiver: Int, signer: Int, height: Int64, round: Int32, type: VoteType)
    /// The core asked an honest validator's signer for something the double-sign guard refused.
    case signerRefused(validator: Int, detail: String)
    /// After GST an honest validator did not reach the target height within the bound.
    case liveness(validator: Int, decidedHeight: Int64, target: Int64, deadline: SimTime)
    /// After every validator crashed and restarted at `restart`, an honest one decided no new
    /// height by `deadline`.
    case stalledAfterRestart(validator: Int, restart: SimTime, deadline: SimTime)
    /// An honest validator's runtime halted (app failure, app hash mismatch, storage failure).
    case halted(validator: Int, reason: String)

    public var isAgreement: Bool {
        if case .agreement = self { return true }
        return false
    }

    /// A short stable name, for summaries.
    public var kind: String {
        switch self {
        case .agreement: "agreement"
        case .validity: "validity"
        case .doubleSign: "double-sign"
        case .missingEvidence: "missing-evidence"
        case .signerRefused: "signer-refused"
        case .liveness: "liveness"
        case .stalledAfterRestart: "stalled-after-restart"
        case .halted: "halted"
        }
    }

    public var description: String {
        switch self {
        case let .agreement(height, first, firstBlock, second, secondBlock):
            "AGREEMENT h=\(height): v\(first) decided \(firstBlock), v\(second) decided \(secondBlock)"
        case let .validity(validator, height, round, block, reason):
            "VALIDITY v\(validator) decided \(block) at h=\(height) r=\(round): \(reason)"
        case let .doubleSign(validator, height, round, type, first, second):
            "DOUBLE-SIGN honest v\(validator) signed \(type) h=\(height) r=\(round) for \(first) and \(second)"
        case let .missingEvidence(receiver, signer, height, round, type):
            "MISSING-EVIDENCE v\(receiver) received conflicting \(type)s of v\(signer) h=\(height) r=\(round) without .duplicateVote"
        case let .signerRefused(validator, detail):
            "SIGNER-REFUSED honest v\(validator): \(detail)"
        case let .liveness(validator, decidedHeight, target, deadline):
            "LIVENESS v\(validator) decided up to h=\(decidedHeight), target h=\(target) by t=\(deadline)ms"
        case let .stalledAfterRestart(validator, restart, deadline):
            "STALLED v\(validator) decided nothing between the full restart at t=\(restart)ms and t=\(deadline)ms"
        case let .halted(validator, reason):
            "HALTED honest v\(validator): \(reason)"
        }
    }
}
