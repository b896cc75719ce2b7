import PalisadeABCI
import PalisadeTypes

/// The rules for consensus-parameter changes from FinalizeBlock (CometBFT's `Update`,
/// `ValidateBasic` and `ValidateUpdate`): the merged parameters must be valid on their own, and
/// the vote-extension enable height may only be set or moved while it is still in the future.
enum ParamsUpdateCheck {
    static func apply(_ update: ConsensusParamsUpdate, to current: ConsensusParams,
                      height: Int64) throws(StateTransitionError) -> ConsensusParams {
        if let abci = update.abci, let reason = voteExtensionsChangeRejection(
            from: current.abci.voteExtensionsEnableHeight, to: abci.voteExtensionsEnableHeight, height: height) {
            throw StateTransitionError(field: "consensus_param_updates.abci.vote_extensions_enable_height",
                                       reason: reason)
        }
        let next = update.applied(to: current)
        do { try next.validate() } catch {
            throw StateTransitionError(field: "consensus_param_updates.\(error.field)", reason: error.reason)
        }
        return next
    }

    /// Nil when the change is allowed at `height`; otherwise why not. An enable height at or
    /// below the current height is in force and frozen; 0 (or less) means "not enabled".
    static func voteExtensionsChangeRejection(from old: Int64, to new: Int64, height: Int64) -> String? {
        if new < 0 { return "cannot be negative, got \(new)" }
        if old <= 0 && new == 0 { return nil }
        if old > 0 && new == 0 {
            return old <= height ? "vote extensions were enabled at \(old) and cannot be disabled" : nil
        }
        if new <= height { return "\(new) is not after the current height \(height)" }
        if old > 0 && old <= height { return "vote extensions were enabled at \(old) and cannot be moved" }
        return nil
    }
}
