import PalisadeCrypto
import PalisadeProto

/// Rebuilding the message a validator already signed from its signer's record (sign bytes plus
/// signature). After a crash the consensus core may ask for a different message at a (height,
/// round, step) the signer has passed: the guard rightly refuses, and a validator that then sends
/// nothing is silent for the round; at a full restart every validator can be. The record is
/// enough to send what was really signed instead: the canonical message carries every signed
/// field, and the rebuilt message is accepted only if its sign bytes equal the record's.
public enum SignedMessageRecovery {
    /// The vote behind `signBytes`/`signature`, cast as `type` at (`height`, `round`) by the
    /// validator at `validatorIndex`; nil unless it re-encodes to exactly `signBytes`.
    public static func vote(signBytes: Bytes, signature: Bytes, chainID: String, type: VoteType, height: Int64,
                            round: Int32, validatorAddress: Address, validatorIndex: Int32) -> Vote? {
        guard let canonical = SignBytesComparison.decode(Tendermint_Types_CanonicalVote.self, signBytes) else {
            return nil
        }
        let vote = Vote(type: type, height: height, round: round, blockID: blockID(canonical.blockID),
                        timestamp: Timestamp(proto: canonical.timestamp), validatorAddress: validatorAddress,
                        validatorIndex: validatorIndex, signature: signature)
        return vote.signBytes(chainID: chainID) == signBytes ? vote : nil
    }

    /// As `vote`, for a proposal at (`height`, `round`).
    public static func proposal(signBytes: Bytes, signature: Bytes, chainID: String, height: Int64,
                                round: Int32) -> Proposal? {
        guard let canonical = SignBytesComparison.decode(Tendermint_Types_CanonicalProposal.self, signBytes),
              let polRound = Int32(exactly: canonical.polRound) else { return nil }
        let proposal = Proposal(height: height, round: round, polRound: polRound, blockID: blockID(canonical.blockID),
                                timestamp: Timestamp(proto: canonical.timestamp), signature: signature)
        return proposal.signBytes(chainID: chainID) == signBytes ? proposal : nil
    }

    private static func blockID(_ canonical: Tendermint_Types_CanonicalBlockID) -> BlockID {
        BlockID(hash: Bytes(canonical.hash),
                partSetHeader: PartSetHeader(total: canonical.partSetHeader.total, hash: Bytes(canonical.partSetHeader.hash)))
    }
}
