import PalisadeTypes

/// The invariants every run is checked against (ARCHITECTURE §8): agreement, validity, no honest
/// double-sign, evidence for every equivocation an honest validator saw, and liveness after GST.
/// It reads only `Observations` and the facts below, so tests can hand it fabricated runs.
public struct SafetyChecker: Sendable {
    /// Validator indices that followed the protocol (crashes included: a crash is not a fault
    /// of the protocol, and the WAL must make it harmless).
    public var honest: Set<Int>
    /// The proposer of (height, round), computed independently of any node.
    public var proposer: @Sendable (Int64, Int32) -> Int
    /// The application's verdict on a block at a height.
    public var isValid: @Sendable (BlockID, Int64) -> Bool
    /// Every honest validator must have decided `targetHeight` by `deadline`; nil skips liveness
    /// (the negative control, where more than 1/3 is Byzantine and liveness is not promised).
    public var liveness: (targetHeight: Int64, deadline: SimTime)?
    /// Full restarts (every validator crashed, then all came back by `time`): each honest
    /// validator must decide a new height after `time` and by `deadline`.
    public var restarts: [(time: SimTime, deadline: SimTime)]

    public init(honest: Set<Int>, proposer: @escaping @Sendable (Int64, Int32) -> Int,
                isValid: @escaping @Sendable (BlockID, Int64) -> Bool,
                liveness: (targetHeight: Int64, deadline: SimTime)?,
                restarts: [(time: SimTime, deadline: SimTime)] = []) {
        self.honest = honest
        self.proposer = proposer
        self.isValid = isValid
        self.liveness = liveness
        self.restarts = restarts
    }

    public func check(_ observations: Observations) -> [Violation] {
        var violations = observations.selfForks
        violations += agreement(observations)
        violations += validity(observations)
        violations += observations.doubleSigns.filter { if case let .doubleSign(v, _, _, _, _, _) = $0 { honest.contains(v) } else { true } }
        violations += observations.equivocationsReceived
            .filter { honest.contains($0.receiver) && !observations.hasEvidence($0) }
            .sorted { ($0.receiver, $0.slot.height, $0.slot.round, $0.slot.validator, $0.slot.type.rawValue) < ($1.receiver, $1.slot.height, $1.slot.round, $1.slot.validator, $1.slot.type.rawValue) }
            .map { .missingEvidence(receiver: $0.receiver, signer: $0.slot.validator, height: $0.slot.height,
                                    round: $0.slot.round, type: $0.slot.type) }
        violations += observations.signerRefusals.filter { if case let .signerRefused(v, _) = $0 { honest.contains(v) } else { true } }
        violations += observations.halts.filter { if case let .halted(v, _) = $0 { honest.contains(v) } else { true } }
        for restart in restarts {
            for validator in honest.sorted() {
                let decided = observations.decisions[validator]?.values.contains {
                    $0.time > restart.time && $0.time <= restart.deadline
                } ?? false
                if !decided {
                    violations.append(.stalledAfterRestart(validator: validator, restart: restart.time,
                                                           deadline: restart.deadline))
                }
            }
        }
        if let liveness {
            for validator in honest.sorted() {
                if let decided = observations.decisions[validator]?[liveness.targetHeight],
                   decided.time <= liveness.deadline { continue }
                violations.append(.liveness(validator: validator, decidedHeight: observations.decidedHeight(validator),
                                                target: liveness.targetHeight, deadline: liveness.deadline))
            }
        }
        return violations
    }

    /// One violation per forked height: the first honest validator against each that disagrees.
    private func agreement(_ observations: Observations) -> [Violation] {
        var firstAt: [Int64: (validator: Int, block: BlockID)] = [:]
        var violations: [Violation] = []
        var forked: Set<Int64> = []
        for validator in honest.sorted() {
            for (height, decided) in (observations.decisions[validator] ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let first = firstAt[height] {
                    if first.block != decided.block, !forked.contains(height) {
                        forked.insert(height)
                        violations.append(.agreement(height: height, first: first.validator, firstBlock: first.block,
                                                     second: validator, secondBlock: decided.block))
                    }
                } else {
                    firstAt[height] = (validator, decided.block)
                }
            }
        }
        return violations
    }

    private func validity(_ observations: Observations) -> [Violation] {
        var violations: [Violation] = []
        for validator in honest.sorted() {
            for (height, decided) in (observations.decisions[validator] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let proposer = proposer(height, decided.round)
                if !observations.hasProposal(validator: proposer, height: height, round: decided.round, block: decided.block) {
                    violations.append(.validity(validator: validator, height: height, round: decided.round, block: decided.block,
                                                reason: "proposer v\(proposer) never proposed it in that round"))
                } else if !isValid(decided.block, height) {
                    violations.append(.validity(validator: validator, height: height, round: decided.round, block: decided.block,
                                                reason: "the application judged it invalid"))
                }
            }
        }
        return violations
    }
}
