import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes

/// The validator's key behind its double-sign guard (ARCHITECTURE §5 rule 1): the runtime's only way to
/// sign. The guard's rules are `LastSignState`'s; an implementation adds where the state lives and
/// must make it durable before it returns a signature. `FilePrivValidator` keeps it in
/// `priv_validator_state.json`; the simulator keeps it in memory that its crashes never lose;
/// `RemoteSigner` asks another process over CometBFT's privval protocol (`priv_validator_laddr`).
///
/// Asynchronous because a remote signer answers over a socket; the in-process ones answer at once.
public protocol ConsensusSigner: Sendable {
    var address: Address { get }
    /// The last (height, round, step) signed, with its sign bytes and signature: what a refusal
    /// is measured against, and what the runtime rebuilds the message it did sign from. Nil when
    /// the record lives in another process (a remote signer), which never tells it.
    var signRecord: LastSignState? { get }
    mutating func sign(_ vote: Vote, chainID: String) async throws(SignerError) -> Vote
    mutating func sign(_ proposal: Proposal, chainID: String) async throws(SignerError) -> Proposal
    /// `vote` with its extension signed (`CanonicalVoteExtension`). No guard and no record: the
    /// extension is not part of what consensus agrees on, and ExtendVote may answer differently
    /// each time, so CometBFT's signer signs every extension it is given.
    mutating func signExtension(of vote: Vote, chainID: String) async throws(SignerError) -> Vote
}

/// A signer in this process, whose guard answers at once with `FilePrivValidatorError`s: the file
/// signer and the simulator's. Its `ConsensusSigner` side only sorts those errors.
public protocol LocalSigner: ConsensusSigner {
    var lastSignState: LastSignState { get }
    mutating func signVote(_ vote: Vote, chainID: String) throws(FilePrivValidatorError) -> Vote
    mutating func signProposal(_ proposal: Proposal, chainID: String) throws(FilePrivValidatorError) -> Proposal
    func signVoteExtension(_ vote: Vote, chainID: String) -> Vote
}

extension LocalSigner {
    public var signRecord: LastSignState? { lastSignState }

    public mutating func sign(_ vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        do { return try signVote(vote, chainID: chainID) } catch { throw SignerError(error) }
    }

    public mutating func sign(_ proposal: Proposal, chainID: String) async throws(SignerError) -> Proposal {
        do { return try signProposal(proposal, chainID: chainID) } catch { throw SignerError(error) }
    }

    public func signExtension(of vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        signVoteExtension(vote, chainID: chainID)
    }
}

extension FilePrivValidator: LocalSigner {}
