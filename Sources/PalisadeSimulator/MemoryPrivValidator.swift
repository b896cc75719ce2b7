import PalisadeCrypto
import PalisadeNode
import PalisadeStorage
import PalisadeTypes
import Synchronization

/// The double-sign guard's record in memory: what `priv_validator_state.json` is to the node.
/// It survives crashes (the node fsyncs it before a signature leaves); only the amnesia fault
/// wipes it. A twin's two instances have one key and a vault each.
final class SignerVault: Sendable {
    let record = Mutex(LastSignState.initial)

    func wipe() { record.withLock { $0 = .initial } }
}

/// The simulator's `ConsensusSigner`: `LastSignState`'s rules, as `FilePrivValidator` applies
/// them, over a `SignerVault`. Every signature is reported to the run (the checker's evidence
/// of what an honest validator signed), and a dead incarnation signs nothing.
struct MemoryPrivValidator: LocalSigner {
    let key: Ed25519PrivateKey
    let vault: SignerVault
    let gate: PortGate
    /// The validator's index in the run, and whether its votes count as honest.
    let validator: Int
    let honest: Bool

    var address: Address { key.publicKey.address }
    var lastSignState: LastSignState { vault.record.withLock { $0 } }

    mutating func signVote(_ vote: Vote, chainID: String) throws(FilePrivValidatorError) -> Vote {
        let state = lastSignState
        let decision: SigningDecision
        do { decision = try state.decision(for: vote, chainID: chainID) } catch { throw .refused(error) }
        var signed = vote
        switch decision {
        case let .sign(signBytes):
            signed.signature = try sign(signBytes, height: vote.height, round: vote.round, step: SignStep(vote.type))
        case let .reuse(signature, timestamp):
            signed.signature = signature
            signed.timestamp = timestamp
        }
        let validator = validator, honest = honest
        gate.world.state.withLock { world in
            world.trace.record(world.now, "v\(validator) signs \(vote.type) h=\(vote.height) r=\(vote.round) \(vote.blockID.traceName)")
            if honest { world.observations.recordHonestVote(validator: validator, signed) }
        }
        return signed
    }

    func signVoteExtension(_ vote: Vote, chainID: String) -> Vote {
        var signed = vote
        signed.signExtension(with: key, chainID: chainID)
        return signed
    }

    mutating func signProposal(_ proposal: Proposal, chainID: String) throws(FilePrivValidatorError) -> Proposal {
        let state = lastSignState
        let decision: SigningDecision
        do { decision = try state.decision(for: proposal, chainID: chainID) } catch { throw .refused(error) }
        var signed = proposal
        switch decision {
        case let .sign(signBytes):
            signed.signature = try sign(signBytes, height: proposal.height, round: proposal.round, step: .propose)
        case let .reuse(signature, timestamp):
            signed.signature = signature
            signed.timestamp = timestamp
        }
        let validator = validator
        gate.world.state.withLock { world in
            world.trace.record(world.now, "v\(validator) signs Proposal h=\(proposal.height) r=\(proposal.round) "
                + "pol=\(proposal.polRound) \(proposal.blockID.traceName)")
            world.observations.recordProposal(validator: validator, signed)
        }
        return signed
    }

    /// The record is written before the signature is released, as the file signer's fsync.
    private func sign(_ signBytes: Bytes, height: Int64, round: Int32, step: SignStep) throws(FilePrivValidatorError) -> Bytes {
        guard gate.pass() else {
            throw .io(FileIOError(path: "memory://v\(validator)/priv_validator_state", operation: "write", errno: 5))
        }
        let signature = key.sign(signBytes)
        vault.record.withLock {
            $0 = $0.recording(height: height, round: round, step: step, signBytes: signBytes, signature: signature)
        }
        return signature
    }
}
