import PalisadeCrypto
import PalisadeTypes

/// The validator's key in another process (`priv_validator_laddr`): a `ConsensusSigner` that asks
/// a signer over CometBFT's privval protocol. The double-sign guard and its fsync are the
/// signer's; this side trusts nothing it is sent. Every answer must be the message asked for
/// (same type, height, round, block, validator; only timestamp and signatures may be the signer's)
/// and carry a valid signature by the key fetched at start, or it is not used.
///
/// When the signer is gone, slow or says no, the step is missed (`SignerError.unavailable` or
/// `.remoteRefused`): the node neither stops nor signs by other means, and signs again once a
/// signer connects (issue #15: a lost signer never makes the node sign twice or halt for good).
public struct RemoteSigner: ConsensusSigner {
    public let publicKey: Ed25519PublicKey
    private let listener: PrivvalListener

    public var address: Address { publicKey.address }
    /// The record is the signer's; the node never sees it.
    public var signRecord: LastSignState? { nil }

    /// Waits for a signer to connect to `listener` and asks it for the validator's public key.
    public init(listener: PrivvalListener, chainID: String) async throws(SignerError) {
        self.listener = listener
        while true {
            await listener.waitForSigner()
            let response: PrivvalResponse
            do { response = try await listener.send(.pubKey(chainID: chainID)) } catch {
                // The signer went away between connecting and answering: wait for the next one.
                guard await listener.isListening, !Task.isCancelled else { throw error }
                continue
            }
            switch response {
            case .pubKey(.success(let key)):
                publicKey = key
                return
            case .pubKey(.failure(let error)):
                throw .remoteRefused(code: error.code, description: error.description)
            default:
                throw .unavailable("the signer answered PubKeyRequest with \(response)")
            }
        }
    }

    public func sign(_ vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        var signed = try await signedVote(vote, chainID: chainID)
        // The extension is signed when it is known (`signExtension`); CometBFT's node strips what
        // the signer returns here when extensions are off, and ours adds it later when they are on.
        signed.extensionSignature = []
        return signed
    }

    /// v0.38 signs a precommit's extension inside SignVoteRequest: the vote is asked again with
    /// its extension; its sign bytes are unchanged, so the signer returns the signature it holds
    /// (its same-HRS rule) and signs the extension.
    public func signExtension(of vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        var unsigned = vote
        unsigned.signature = []
        unsigned.extensionSignature = []
        let signed = try await signedVote(unsigned, chainID: chainID)
        guard signed.signature == vote.signature, signed.timestamp == vote.timestamp else {
            throw .unavailable("the signer returned a different signature for a vote it signed before")
        }
        guard signed.verifyExtensionSignature(chainID: chainID, publicKey: publicKey) else {
            throw .unavailable("the signer's extension signature does not verify")
        }
        return signed
    }

    public func sign(_ proposal: Proposal, chainID: String) async throws(SignerError) -> Proposal {
        var unsigned = proposal
        unsigned.signature = []
        let response = try await listener.send(.signProposal(unsigned, chainID: chainID))
        guard case .signedProposal(let result) = response else {
            throw .unavailable("the signer answered SignProposalRequest with \(response)")
        }
        let signed: Proposal
        switch result {
        case .success(let proposal): signed = proposal
        case .failure(let error): throw .remoteRefused(code: error.code, description: error.description)
        }
        guard signed.height == proposal.height, signed.round == proposal.round, signed.polRound == proposal.polRound,
              signed.blockID == proposal.blockID else {
            throw .unavailable("the signer returned another proposal than it was asked to sign: \(signed)")
        }
        guard signed.verifySignature(chainID: chainID, publicKey: publicKey) else {
            throw .unavailable("the signer's proposal signature does not verify")
        }
        return signed
    }

    /// `vote` signed by the signer and checked: the same vote, a valid signature.
    private func signedVote(_ vote: Vote, chainID: String) async throws(SignerError) -> Vote {
        var unsigned = vote
        unsigned.signature = []
        unsigned.extensionSignature = []
        let response = try await listener.send(.signVote(unsigned, chainID: chainID))
        guard case .signedVote(let result) = response else {
            throw .unavailable("the signer answered SignVoteRequest with \(response)")
        }
        let signed: Vote
        switch result {
        case .success(let vote): signed = vote
        case .failure(let error): throw .remoteRefused(code: error.code, description: error.description)
        }
        guard signed.type == vote.type, signed.height == vote.height, signed.round == vote.round,
              signed.blockID == vote.blockID, signed.validatorAddress == vote.validatorAddress,
              signed.validatorIndex == vote.validatorIndex, signed.extension == vote.extension else {
            throw .unavailable("the signer returned another vote than it was asked to sign: \(signed)")
        }
        guard signed.verifySignature(chainID: chainID, publicKey: publicKey) else {
            throw .unavailable("the signer's vote signature does not verify")
        }
        return signed
    }
}
