import Foundation
import Glibc
import PalisadeCrypto
import PalisadeTypes

/// CometBFT's file signer ("FilePV"): the validator's key plus the double-sign guard's memory,
/// `priv_validator_state.json`. Safety across crashes (ARCHITECTURE §5 rule 1) rests on one ordering:
/// the new `LastSignState` is durably on disk (temp file fsynced, renamed, directory fsynced;
/// see `AtomicFileReplace`) before `signVote`/`signProposal` return a signature. A crash at any
/// point therefore leaves a state file at least as far as every signature that left the process,
/// and the restarted signer refuses anything that could contradict them.
///
/// The rules themselves (regression, re-sign of identical or timestamp-only-different bytes)
/// are `LastSignState.decision(for:chainID:)`; this type adds the files.
///
/// One process must own the files: two signers on one state file can each sign a different
/// message at the same height. The node holds `data/palisade.lock` (`HomeLock`) while it runs, so a second
/// node on the same home is refused at start, and the signer locks its state file
/// (`SignerStateLock`), so a second process naming the same state file is refused too.
public struct FilePrivValidator: Sendable {
    public let key: PrivValidatorKey
    public private(set) var lastSignState: LastSignState
    public let keyPath: String
    public let statePath: String
    /// Held for as long as any copy of this signer lives.
    private let lock: SignerStateLock
    /// Tests stop the state file's durable write at this stage, as a crash there would.
    var crashAfterForTesting: AtomicFileReplace.Stage? = nil

    /// Loads both files. The key file must exist; a missing state file means this key has never
    /// signed, so the initial state is written (durably) and used.
    public init(keyPath: String, statePath: String) throws(FilePrivValidatorError) {
        self.keyPath = keyPath
        self.statePath = statePath
        self.lock = try SignerStateLock(statePath: statePath)
        let keyBytes: Bytes?
        do { keyBytes = try PosixFile.readAll(keyPath) } catch { throw .io(error) }
        guard let keyBytes else { throw .io(FileIOError(path: keyPath, operation: "open", errno: ENOENT)) }
        do { key = try PrivValidatorKey(jsonData: keyBytes.data, fileName: keyPath) } catch { throw .malformedFile(error) }

        let stateBytes: Bytes?
        do { stateBytes = try PosixFile.readAll(statePath) } catch { throw .io(error) }
        if let stateBytes {
            do { lastSignState = try LastSignState(jsonData: stateBytes.data, fileName: statePath) } catch {
                throw .malformedFile(error)
            }
        } else {
            lastSignState = .initial
            do { try AtomicFileReplace.replace(statePath, with: LastSignState.initial.jsonData().bytes) } catch {
                throw .io(error)
            }
        }
    }

    /// `home/priv_validator_key.json` and `home/priv_validator_state.json`.
    public init(directory: String) throws(FilePrivValidatorError) {
        try self.init(keyPath: directory + "/" + PrivValidatorKey.fileName,
                      statePath: directory + "/" + LastSignState.fileName)
    }

    public var address: Address { key.address }

    /// `vote` with its signature. A replay of an already-signed vote that differs only in its
    /// timestamp comes back with the stored timestamp and stored signature (CometBFT's rule),
    /// so consensus broadcasts exactly what was signed before the crash.
    public mutating func signVote(_ vote: Vote, chainID: String) throws(FilePrivValidatorError) -> Vote {
        let decision: SigningDecision
        do { decision = try lastSignState.decision(for: vote, chainID: chainID) } catch { throw .refused(error) }
        var signed = vote
        switch decision {
        case let .sign(signBytes):
            signed.signature = try sign(signBytes, height: vote.height, round: vote.round, step: SignStep(vote.type))
        case let .reuse(signature, timestamp):
            signed.signature = signature
            signed.timestamp = timestamp
        }
        return signed
    }

    /// Signs `vote`'s extension as it stands. Nothing is recorded: extensions are outside the
    /// double-sign guard, as in CometBFT's `FilePV`, which re-signs them on every request.
    public func signVoteExtension(_ vote: Vote, chainID: String) -> Vote {
        var signed = vote
        signed.signExtension(with: key.privateKey, chainID: chainID)
        return signed
    }

    /// As `signVote`, for a proposal (step `propose`).
    public mutating func signProposal(_ proposal: Proposal, chainID: String) throws(FilePrivValidatorError) -> Proposal {
        let decision: SigningDecision
        do { decision = try lastSignState.decision(for: proposal, chainID: chainID) } catch { throw .refused(error) }
        var signed = proposal
        switch decision {
        case let .sign(signBytes):
            signed.signature = try sign(signBytes, height: proposal.height, round: proposal.round, step: .propose)
        case let .reuse(signature, timestamp):
            signed.signature = signature
            signed.timestamp = timestamp
        }
        return signed
    }

    /// Signs, then persists; the signature is returned only after the state file's rename and the
    /// directory fsync. If persisting fails nothing is released and the in-memory state is unchanged.
    private mutating func sign(_ signBytes: Bytes, height: Int64, round: Int32, step: SignStep) throws(FilePrivValidatorError) -> Bytes {
        let signature = key.privateKey.sign(signBytes)
        let next = lastSignState.recording(height: height, round: round, step: step, signBytes: signBytes, signature: signature)
        do { try AtomicFileReplace.replace(statePath, with: next.jsonData().bytes, crashAfter: crashAfterForTesting) } catch {
            throw .io(error)
        }
        lastSignState = next
        return signature
    }
}
