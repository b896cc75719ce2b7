/// Where in a height a signature was made. The order is the order of a round, so a later step at
/// the same (height, round) is progress and an earlier one is a regression. Raw values are the
/// `step` numbers of CometBFT's `priv_validator_state.json`.
public enum SignStep: Int8, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Nothing signed yet (a fresh state file).
    case none = 0
    case propose = 1
    case prevote = 2
    case precommit = 3

    public static func < (lhs: SignStep, rhs: SignStep) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .none: "none"
        case .propose: "propose"
        case .prevote: "prevote"
        case .precommit: "precommit"
        }
    }
}

/// The double-sign guard's memory: the last (height, round, step) this validator signed, with
/// the exact bytes and signature. It is persisted (`priv_validator_state.json`) before a
/// signature leaves the process, so that after a crash the signer can still refuse anything
/// older, and can hand back the same signature when consensus replays the same message.
public struct LastSignState: Sendable, Hashable, CustomStringConvertible {
    public static let fileName = "priv_validator_state.json"

    public var height: Int64
    public var round: Int32
    public var step: SignStep
    public var signature: Bytes?
    public var signBytes: Bytes?

    public init(height: Int64, round: Int32, step: SignStep, signature: Bytes? = nil, signBytes: Bytes? = nil) {
        self.height = height
        self.round = round
        self.step = step
        self.signature = signature
        self.signBytes = signBytes
    }

    /// A validator that has never signed: height 0, round 0, step none.
    public static let initial = LastSignState(height: 0, round: 0, step: .none)

    /// What the signer may do at a requested (height, round, step).
    public enum Check: Sendable, Hashable {
        /// Later than anything signed: sign, and persist the new state before releasing the signature.
        case fresh
        /// The very (height, round, step) already signed. Only the same message may be signed
        /// again, and only by returning the stored signature (see `SignBytesComparison`).
        case alreadySigned(signBytes: Bytes, signature: Bytes)
    }

    /// Orders the request against the record lexicographically by (height, round, step).
    public func check(height: Int64, round: Int32, step: SignStep) throws(SignRefusal) -> Check {
        if height < self.height { throw .heightRegression(height: height, lastHeight: self.height) }
        if height > self.height { return .fresh }
        if round < self.round { throw .roundRegression(height: height, round: round, lastRound: self.round) }
        if round > self.round { return .fresh }
        if step < self.step {
            throw .stepRegression(height: height, round: round, step: step, lastStep: self.step)
        }
        if step > self.step { return .fresh }
        // Same (h, r, step). A record without its bytes cannot prove the request is the same
        // message, so it must not be signed: the operator has to look at the file.
        guard let signBytes, !signBytes.isEmpty else { throw .missingSignBytes(height: height, round: round, step: step) }
        guard let signature, !signature.isEmpty else { throw .missingSignature(height: height, round: round, step: step) }
        return .alreadySigned(signBytes: signBytes, signature: signature)
    }

    /// True when (height, round, step) comes strictly before the record: signing it could
    /// contradict something already signed.
    public func isRegression(height: Int64, round: Int32, step: SignStep) -> Bool {
        (height, round, step.rawValue) < (self.height, self.round, self.step.rawValue)
    }

    /// The state to persist after signing `signBytes` at (height, round, step).
    public func recording(height: Int64, round: Int32, step: SignStep, signBytes: Bytes, signature: Bytes) -> LastSignState {
        LastSignState(height: height, round: round, step: step, signature: signature, signBytes: signBytes)
    }

    public var description: String { "LastSignState(h=\(height) r=\(round) \(step))" }
}

/// Why the signer will not sign. Each case is a message CometBFT's file signer would also refuse.
public enum SignRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case heightRegression(height: Int64, lastHeight: Int64)
    case roundRegression(height: Int64, round: Int32, lastRound: Int32)
    case stepRegression(height: Int64, round: Int32, step: SignStep, lastStep: SignStep)
    /// The record has this (h, r, step) but no sign bytes, so a re-sign cannot be shown to be identical.
    case missingSignBytes(height: Int64, round: Int32, step: SignStep)
    /// The record has sign bytes for this (h, r, step) but no signature to hand back.
    case missingSignature(height: Int64, round: Int32, step: SignStep)
    /// The record's sign bytes at this (h, r, step) do not decode as the expected canonical message.
    case unreadableSignBytes(height: Int64, round: Int32, step: SignStep)
    /// Already signed a different message at this (h, r, step): signing would be equivocation.
    case conflictingData(height: Int64, round: Int32, step: SignStep)

    public var description: String {
        switch self {
        case let .heightRegression(h, last): "height regression: asked to sign height \(h), last signed \(last)"
        case let .roundRegression(h, r, last): "round regression at height \(h): asked round \(r), last signed \(last)"
        case let .stepRegression(h, r, s, last): "step regression at height \(h) round \(r): asked \(s), last signed \(last)"
        case let .missingSignBytes(h, r, s): "already signed height \(h) round \(r) \(s) but the state has no sign bytes"
        case let .missingSignature(h, r, s): "already signed height \(h) round \(r) \(s) but the state has no signature"
        case let .unreadableSignBytes(h, r, s): "stored sign bytes for height \(h) round \(r) \(s) do not decode"
        case let .conflictingData(h, r, s): "conflicting data: already signed a different message at height \(h) round \(r) \(s)"
        }
    }
}
