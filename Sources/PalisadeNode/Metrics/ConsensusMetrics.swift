import CoreMetrics
import PalisadeConsensus
import PalisadeCrypto
import PalisadeState
import PalisadeTypes

/// CometBFT's `consensus` metrics, recorded by the consensus runtime (never the pure core). A
/// value the driver owns: the step timing is the driver's own state, timed by its event clock.
public struct ConsensusMetrics: Sendable {
    /// `height`: the height being decided, as CometBFT's `cs.Height` (last block + 1).
    let height: Gauge
    /// `latest_block_height`: the last committed block, `/status` `latest_block_height`.
    let latestBlockHeight: Gauge
    let validators: Gauge
    let validatorsPower: Gauge
    let missingValidators: Gauge
    let missingValidatorsPower: Gauge
    let byzantineValidators: Gauge
    let byzantineValidatorsPower: Gauge
    /// `rounds`: the round of the height being decided.
    let rounds: Gauge
    let blockIntervalSeconds: Recorder
    let numTxs: Gauge
    /// `total_txs`: transactions committed since the process started (CometBFT adds per block).
    let totalTxs: Meter
    let blockSizeBytes: Gauge
    /// `step_duration_seconds{step}`, by the step that ended.
    let stepDuration: [String: Recorder]
    /// This node's validator, labelled `validator_address`.
    let validatorAddress: Address?
    let validatorLastSignedHeight: Gauge
    let validatorMissedBlocks: Meter
    let validatorPower: Gauge
    /// The step being timed and since when (event time).
    private var step: (key: StepKey, since: Timestamp)?
    /// The last block committed: the core stays at that height until the next one begins, and
    /// must not take `height` back meanwhile.
    private var committedHeight: Int64 = 0

    private struct StepKey: Equatable {
        var height: Int64
        var round: Int32
        var name: String
    }

    /// CometBFT's step names (`RoundStepPropose` without the prefix). Our core has three steps;
    /// the wait after a decision until the next height begins is `NewHeight`, as in CometBFT.
    static let stepNames = ["NewHeight", "Propose", "Prevote", "Precommit"]

    init(_ namer: MetricNamer, validatorAddress: Address?) {
        func gauge(_ name: String) -> Gauge { namer.gauge("consensus", name) }
        height = gauge("height")
        latestBlockHeight = gauge("latest_block_height")
        validators = gauge("validators")
        validatorsPower = gauge("validators_power")
        missingValidators = gauge("missing_validators")
        missingValidatorsPower = gauge("missing_validators_power")
        byzantineValidators = gauge("byzantine_validators")
        byzantineValidatorsPower = gauge("byzantine_validators_power")
        rounds = gauge("rounds")
        blockIntervalSeconds = namer.histogram("consensus", "block_interval_seconds")
        numTxs = gauge("num_txs")
        totalTxs = namer.addingGauge("consensus", "total_txs")
        blockSizeBytes = gauge("block_size_bytes")
        var steps: [String: Recorder] = [:]
        for name in Self.stepNames { steps[name] = namer.histogram("consensus", "step_duration_seconds", [("step", name)]) }
        stepDuration = steps
        self.validatorAddress = validatorAddress
        let validator = [("validator_address", validatorAddress?.description ?? "")]
        validatorLastSignedHeight = namer.gauge("consensus", "validator_last_signed_height", validator)
        validatorMissedBlocks = namer.addingGauge("consensus", "validator_missed_blocks", validator)
        validatorPower = namer.gauge("consensus", "validator_power", validator)
    }

    static func stepName(_ step: Step) -> String {
        switch step {
        case .propose: "Propose"
        case .prevote: "Prevote"
        case .precommit: "Precommit"
        }
    }

    /// The runtime starts on a store whose last block is `lastBlockHeight`: `latest_block_height`
    /// answers as `/status` does before the next block commits.
    mutating func started(lastBlockHeight: Int64) {
        committedHeight = lastBlockHeight
        latestBlockHeight.record(lastBlockHeight)
        height.record(lastBlockHeight + 1)
    }

    /// The core moved to (`height`, `round`, `step`) at event time `now`.
    mutating func roundStep(height: Int64, round: Int32, step: Step, at now: Timestamp) {
        guard height > committedHeight else { return }
        self.height.record(height)
        rounds.record(round)
        enter(StepKey(height: height, round: round, name: Self.stepName(step)), at: now)
    }

    /// A block was executed and stored. `before` is the state it was applied to: its validators
    /// are the block's height's, its `lastValidators` signed the block's LastCommit.
    mutating func blockCommitted(_ block: Block, sizeBytes: Int, before: ChainState, at now: Timestamp) {
        let height = block.header.height
        committedHeight = height
        self.height.record(height + 1)
        latestBlockHeight.record(height)
        validators.record(before.validators.count)
        validatorsPower.record(before.validators.totalVotingPower)
        var missing = 0
        var missingPower: Int64 = 0
        if let lastCommit = block.lastCommit, let signers = before.lastValidators {
            for (index, signature) in lastCommit.signatures.enumerated() {
                guard let validator = signers.validator(at: index) else { continue }
                if signature.isAbsent {
                    missing += 1
                    missingPower += validator.votingPower
                }
                guard validator.address == validatorAddress else { continue }
                // As CometBFT: the block's height, though the signature is on the one before.
                validatorPower.record(validator.votingPower)
                if signature.blockIDFlag == .commit {
                    validatorLastSignedHeight.record(height)
                } else {
                    validatorMissedBlocks.increment()
                }
            }
        }
        missingValidators.record(missing)
        missingValidatorsPower.record(missingPower)
        var byzantine = 0
        var byzantinePower: Int64 = 0
        for misbehavior in block.evidence.flatMap(BlockExecutionRequests.misbehavior(for:)) {
            guard let validator = before.validators.validator(for: misbehavior.address) else { continue }
            byzantine += 1
            byzantinePower += validator.votingPower
        }
        byzantineValidators.record(byzantine)
        byzantineValidatorsPower.record(byzantinePower)
        if height > before.initialHeight {
            blockIntervalSeconds.record(Self.seconds(from: before.lastBlockTime, to: block.header.time))
        }
        numTxs.record(block.data.txs.count)
        totalTxs.increment(by: Double(block.data.txs.count))
        blockSizeBytes.record(sizeBytes)
        enter(StepKey(height: height + 1, round: 0, name: "NewHeight"), at: now)
    }

    private mutating func enter(_ key: StepKey, at now: Timestamp) {
        if let step, step.key == key { return }
        if let step { stepDuration[step.key.name]?.record(Self.seconds(from: step.since, to: now)) }
        step = (key, now)
    }

    static func seconds(from start: Timestamp, to end: Timestamp) -> Double {
        max(0, Double(end.unixNanos - start.unixNanos) / 1e9)
    }
}
