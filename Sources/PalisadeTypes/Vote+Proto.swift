import PalisadeCrypto
import PalisadeProto

extension Vote {
    public var proto: Tendermint_Types_Vote {
        var p = Tendermint_Types_Vote()
        p.type = type == .prevote ? .prevote : .precommit
        p.height = height
        p.round = round
        p.blockID = blockID.proto
        p.timestamp = timestamp.proto
        p.validatorAddress = validatorAddress.bytes.data
        p.validatorIndex = validatorIndex
        p.signature = signature.data
        p.extension = `extension`.data
        p.extensionSignature = extensionSignature.data
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [
        1: "type", 2: "height", 3: "round", 4: "block_id", 5: "timestamp", 6: "validator_address",
        7: "validator_index", 8: "signature", 9: "extension", 10: "extension_signature",
    ]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Vote.self, from: bytes, message: "Vote",
                                                     fieldNames: Self.fieldNames))
    }

    /// A vote from a peer, with CometBFT's `Vote.ValidateBasic` checks. The signature is only
    /// checked for shape here; whether it is the validator's is `verifySignature`'s question.
    public init(proto: Tendermint_Types_Vote) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "Vote"))
    }

    /// A vote a node asks a remote signer to sign (privval `SignVoteRequest`): the same checks,
    /// but the signatures are still to be made, so they must be absent.
    public init(unsignedProto p: Tendermint_Types_Vote) throws(DecodingError) {
        let path = FieldPath(message: "Vote")
        guard p.signature.isEmpty else { throw path.child("signature").error("a vote to sign must not carry one") }
        guard p.extensionSignature.isEmpty else {
            throw path.child("extension_signature").error("a vote to sign must not carry one")
        }
        try self.init(proto: p, at: path, signed: false)
    }

    init(proto p: Tendermint_Types_Vote, at path: FieldPath, signed: Bool = true) throws(DecodingError) {
        let type: VoteType
        switch p.type {
        case .prevote: type = .prevote
        case .precommit: type = .precommit
        default: throw path.child("type").error("\(p.type) is not a prevote or precommit")
        }
        guard p.height > 0 else { throw path.child("height").error("must be positive, got \(p.height)") }
        guard p.round >= 0 else { throw path.child("round").error("cannot be negative, got \(p.round)") }
        let blockID = try BlockID(proto: p.blockID, at: path.child("block_id"))
        guard blockID.isZero || blockID.isComplete else {
            throw path.child("block_id").error("must be empty (nil vote) or complete")
        }
        guard p.validatorAddress.count == Address.size else {
            throw path.child("validator_address").error("\(p.validatorAddress.count) bytes, want \(Address.size)")
        }
        guard p.validatorIndex >= 0 else {
            throw path.child("validator_index").error("cannot be negative, got \(p.validatorIndex)")
        }
        try Self.checkSignature(p.signature.count, at: path.child("signature"), required: signed)
        // Only a precommit for a block may carry an extension (CometBFT's rule since v0.38).
        if type == .precommit && !blockID.isZero {
            try Self.checkSignature(p.extensionSignature.count, at: path.child("extension_signature"),
                                    required: signed && !p.extension.isEmpty)
        } else {
            guard p.extension.isEmpty else { throw path.child("extension").error("only a precommit for a block may carry one") }
            guard p.extensionSignature.isEmpty else {
                throw path.child("extension_signature").error("only a precommit for a block may carry one")
            }
        }
        self.init(type: type, height: p.height, round: p.round, blockID: blockID,
                  timestamp: try path.child("timestamp").timestamp(p.timestamp),
                  validatorAddress: Address(bytes: p.validatorAddress.bytes), validatorIndex: p.validatorIndex,
                  signature: p.signature.bytes, extension: p.extension.bytes,
                  extensionSignature: p.extensionSignature.bytes)
    }

    static func checkSignature(_ count: Int, at path: FieldPath, required: Bool) throws(DecodingError) {
        if required && count == 0 { throw path.error("missing") }
        guard count <= Ed25519PrivateKey.signatureSize else {
            throw path.error("\(count) bytes, more than \(Ed25519PrivateKey.signatureSize)")
        }
    }
}
