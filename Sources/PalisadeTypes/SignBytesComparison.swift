import PalisadeCrypto
import PalisadeProto
import SwiftProtobuf

/// The double-sign guard's re-sign rule. A validator may crash after persisting a signature but
/// before its vote reaches the WAL; on restart consensus asks for the same vote again, usually
/// with a fresh timestamp. CometBFT's signer then hands back the stored signature together with
/// the stored timestamp, provided the two canonical messages are equal in every other field.
/// The check decodes both sign bytes and compares the messages, so a difference anywhere else
/// (block ID, chain ID, type, round) is always a conflict, never a re-sign.
public enum SignBytesComparison {
    /// The stored vote's timestamp when `stored` and `new` are the same `CanonicalVote` apart
    /// from the timestamp (or identical); `nil` when they differ elsewhere or do not decode.
    public static func voteTimestampIfOnlyTimestampDiffers(stored: Bytes, new: Bytes) -> Timestamp? {
        guard var old = decode(Tendermint_Types_CanonicalVote.self, stored),
              var fresh = decode(Tendermint_Types_CanonicalVote.self, new) else { return nil }
        let storedTime = old.timestamp
        old.timestamp = Google_Protobuf_Timestamp()
        fresh.timestamp = Google_Protobuf_Timestamp()
        return old == fresh ? Timestamp(proto: storedTime) : nil
    }

    /// As `voteTimestampIfOnlyTimestampDiffers`, for `CanonicalProposal` sign bytes.
    public static func proposalTimestampIfOnlyTimestampDiffers(stored: Bytes, new: Bytes) -> Timestamp? {
        guard var old = decode(Tendermint_Types_CanonicalProposal.self, stored),
              var fresh = decode(Tendermint_Types_CanonicalProposal.self, new) else { return nil }
        let storedTime = old.timestamp
        old.timestamp = Google_Protobuf_Timestamp()
        fresh.timestamp = Google_Protobuf_Timestamp()
        return old == fresh ? Timestamp(proto: storedTime) : nil
    }

    /// Sign bytes are one uvarint-length-prefixed message; anything before or after it is not ours.
    static func decode<M: SwiftProtobuf.Message>(_: M.Type, _ bytes: Bytes) -> M? {
        guard let (length, prefix) = Varint.read(bytes, at: 0), length == UInt64(bytes.count - prefix) else { return nil }
        return try? M(serializedBytes: Array(bytes[prefix...]))
    }
}

/// What the signer does with a request that passed the regression check.
public enum SigningDecision: Sendable, Hashable {
    /// A new (height, round, step): sign it, persist the new `LastSignState`, then release it.
    case sign(signBytes: Bytes)
    /// A replay of what was already signed: return this signature, and put this timestamp on the
    /// message (the stored one, which the signature covers).
    case reuse(signature: Bytes, timestamp: Timestamp)
}

extension SignStep {
    /// CometBFT's signer keeps one step per vote type: prevote 2, precommit 3.
    public init(_ type: VoteType) {
        switch type {
        case .prevote: self = .prevote
        case .precommit: self = .precommit
        }
    }
}

extension LastSignState {
    /// Whether `vote` may be signed now, and how. Throws the refusal for a regression or a
    /// conflicting message at the recorded (height, round, step).
    public func decision(for vote: Vote, chainID: String) throws(SignRefusal) -> SigningDecision {
        let step = SignStep(vote.type)
        let signBytes = vote.signBytes(chainID: chainID)
        switch try check(height: vote.height, round: vote.round, step: step) {
        case .fresh:
            return .sign(signBytes: signBytes)
        case let .alreadySigned(stored, signature):
            if stored == signBytes { return .reuse(signature: signature, timestamp: vote.timestamp) }
            guard SignBytesComparison.decode(Tendermint_Types_CanonicalVote.self, stored) != nil else {
                throw .unreadableSignBytes(height: vote.height, round: vote.round, step: step)
            }
            guard let timestamp = SignBytesComparison.voteTimestampIfOnlyTimestampDiffers(stored: stored, new: signBytes) else {
                throw .conflictingData(height: vote.height, round: vote.round, step: step)
            }
            return .reuse(signature: signature, timestamp: timestamp)
        }
    }

    /// As `decision(for: Vote)`, for a proposal (step `propose`).
    public func decision(for proposal: Proposal, chainID: String) throws(SignRefusal) -> SigningDecision {
        let signBytes = proposal.signBytes(chainID: chainID)
        switch try check(height: proposal.height, round: proposal.round, step: .propose) {
        case .fresh:
            return .sign(signBytes: signBytes)
        case let .alreadySigned(stored, signature):
            if stored == signBytes { return .reuse(signature: signature, timestamp: proposal.timestamp) }
            guard SignBytesComparison.decode(Tendermint_Types_CanonicalProposal.self, stored) != nil else {
                throw .unreadableSignBytes(height: proposal.height, round: proposal.round, step: .propose)
            }
            guard let timestamp = SignBytesComparison.proposalTimestampIfOnlyTimestampDiffers(stored: stored, new: signBytes) else {
                throw .conflictingData(height: proposal.height, round: proposal.round, step: .propose)
            }
            return .reuse(signature: signature, timestamp: timestamp)
        }
    }
}
