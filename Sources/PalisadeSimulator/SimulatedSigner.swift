import PalisadeCrypto
import PalisadeTypes

/// A validator's signer with the double-sign guard of ARCHITECTURE §5 rule 1 (CometBFT's
/// `priv_validator_state.json`): it keeps the last signed (height, round, step) with its sign
/// bytes and signature, refuses anything lower, and for the same (height, round, step) returns
/// the stored signature only when the sign bytes are identical. The record is "persisted": a
/// crash keeps it (only an amnesia fault wipes it).
struct SimulatedSigner {
    let key: Ed25519PrivateKey
    let chainID: String
    private(set) var last: Record?

    /// CometBFT's privval steps: a proposal is signed before the votes of its round.
    enum SignStep: Int8, Comparable, CustomStringConvertible {
        case propose = 1
        case prevote = 2
        case precommit = 3

        static func < (lhs: SignStep, rhs: SignStep) -> Bool { lhs.rawValue < rhs.rawValue }

        var description: String {
            switch self {
            case .propose: "propose"
            case .prevote: "prevote"
            case .precommit: "precommit"
            }
        }
    }

    struct Record {
        var height: Int64
        var round: Int32
        var step: SignStep
        var signBytes: Bytes
        var signature: Bytes
    }

    enum Outcome {
        /// Fresh signature; the record advanced.
        case signed(Bytes)
        /// The same bytes as the last record: the stored signature, nothing new leaves the signer.
        case resigned(Bytes)
        /// A lower (height, round, step) than the record: a stale request (normal during replay).
        case regression(last: (Int64, Int32, SignStep))
        /// Same (height, round, step), different bytes: a double-sign the guard stopped.
        case conflict(last: (Int64, Int32, SignStep))
    }

    init(key: Ed25519PrivateKey, chainID: String) {
        self.key = key
        self.chainID = chainID
    }

    mutating func sign(_ vote: Vote) -> Outcome {
        sign(height: vote.height, round: vote.round, step: vote.type == .prevote ? .prevote : .precommit,
             bytes: vote.signBytes(chainID: chainID))
    }

    mutating func sign(_ proposal: Proposal) -> Outcome {
        sign(height: proposal.height, round: proposal.round, step: .propose, bytes: proposal.signBytes(chainID: chainID))
    }

    private mutating func sign(height: Int64, round: Int32, step: SignStep, bytes: Bytes) -> Outcome {
        if let last {
            let requested = (height, round, step.rawValue)
            let recorded = (last.height, last.round, last.step.rawValue)
            if requested < recorded { return .regression(last: (last.height, last.round, last.step)) }
            if requested == recorded {
                return bytes == last.signBytes ? .resigned(last.signature) : .conflict(last: (last.height, last.round, last.step))
            }
        }
        let signature = key.sign(bytes)
        last = Record(height: height, round: round, step: step, signBytes: bytes, signature: signature)
        return .signed(signature)
    }
}
