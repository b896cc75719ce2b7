import PalisadeCrypto
import PalisadeStorage
import PalisadeTypes

/// The validator's key behind its double-sign guard (ARCHITECTURE §5 rule 1): the runtime's only way to
/// sign. The guard's rules are `LastSignState`'s; an implementation adds where the state lives and
/// must make it durable before it returns a signature. `FilePrivValidator` keeps it in
/// `priv_validator_state.json`; the simulator keeps it in memory that its crashes never lose.
public protocol ConsensusSigner: Sendable {
    var address: Address { get }
    /// The last (height, round, step) signed, with its sign bytes and signature: what a refusal
    /// is measured against, and what the runtime rebuilds the message it did sign from.
    var lastSignState: LastSignState { get }
    mutating func signVote(_ vote: Vote, chainID: String) throws(FilePrivValidatorError) -> Vote
    mutating func signProposal(_ proposal: Proposal, chainID: String) throws(FilePrivValidatorError) -> Proposal
    /// `vote` with its extension signed (`CanonicalVoteExtension`). No guard and no record: the
    /// extension is not part of what consensus agrees on, and ExtendVote may answer differently
    /// each time, so CometBFT's signer signs every extension it is given.
    func signVoteExtension(_ vote: Vote, chainID: String) -> Vote
}

extension FilePrivValidator: ConsensusSigner {}
