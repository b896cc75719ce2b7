import PalisadeCrypto
import PalisadeProto

extension CommitSig {
    /// The timestamp is always written, even for an absent entry (Go's zero time): CometBFT's
    /// field is non-nullable, and the commit hash covers these bytes.
    public var proto: Tendermint_Types_CommitSig {
        var p = Tendermint_Types_CommitSig()
        p.blockIDFlag = Tendermint_Types_BlockIDFlag(rawValue: Int(blockIDFlag.rawValue)) ?? .unknown
        p.validatorAddress = validatorAddress.bytes.data
        p.timestamp = timestamp.proto
        p.signature = signature.data
        return p
    }

    public init(proto: Tendermint_Types_CommitSig) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "CommitSig"))
    }

    /// With CometBFT's `CommitSig.ValidateBasic`: an absent entry carries no address, time or
    /// signature; any other carries a 20-byte address and a signature of at most 64 bytes.
    init(proto p: Tendermint_Types_CommitSig, at path: FieldPath) throws(DecodingError) {
        guard let flag = BlockIDFlag(rawValue: Int32(truncatingIfNeeded: p.blockIDFlag.rawValue)) else {
            throw path.child("block_id_flag").error("unknown flag \(p.blockIDFlag.rawValue)")
        }
        // A missing timestamp is Go's zero time, as gogoproto decodes a non-nullable field.
        let timestamp = p.hasTimestamp ? try path.child("timestamp").timestamp(p.timestamp) : Timestamp.goZero
        if flag == .absent {
            guard p.validatorAddress.isEmpty else { throw path.child("validator_address").error("present on an absent entry") }
            guard timestamp == .goZero else { throw path.child("timestamp").error("present on an absent entry") }
            guard p.signature.isEmpty else { throw path.child("signature").error("present on an absent entry") }
        } else {
            guard p.validatorAddress.count == Address.size else {
                throw path.child("validator_address").error("\(p.validatorAddress.count) bytes, want \(Address.size)")
            }
            try Vote.checkSignature(p.signature.count, at: path.child("signature"), required: true)
        }
        self.init(blockIDFlag: flag, validatorAddress: Address(bytes: p.validatorAddress.bytes),
                  timestamp: timestamp, signature: p.signature.bytes)
    }
}

extension Commit {
    /// The block ID is always written (non-nullable in CometBFT), even for the empty commit.
    public var proto: Tendermint_Types_Commit {
        var p = Tendermint_Types_Commit()
        p.height = height
        p.round = round
        p.blockID = blockID.proto
        p.signatures = signatures.map(\.proto)
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [1: "height", 2: "round", 3: "block_id", 4: "signatures"]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Commit.self, from: bytes, message: "Commit",
                                                     fieldNames: Self.fieldNames))
    }

    public init(proto: Tendermint_Types_Commit) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "Commit"))
    }

    /// With CometBFT's `Commit.ValidateBasic`: non-negative height and round; from height 1 on, a
    /// block ID that is not nil and at least one signature, each well formed.
    init(proto p: Tendermint_Types_Commit, at path: FieldPath) throws(DecodingError) {
        guard p.height >= 0 else { throw path.child("height").error("cannot be negative, got \(p.height)") }
        guard p.round >= 0 else { throw path.child("round").error("cannot be negative, got \(p.round)") }
        let blockID = try BlockID(proto: p.blockID, at: path.child("block_id"))
        var signatures: [CommitSig] = []
        signatures.reserveCapacity(p.signatures.count)
        for (i, sig) in p.signatures.enumerated() {
            signatures.append(try CommitSig(proto: sig, at: path.child("signatures").index(i)))
        }
        if p.height >= 1 {
            guard !blockID.isZero else { throw path.child("block_id").error("a commit cannot be for nil") }
            guard !signatures.isEmpty else { throw path.child("signatures").error("no signatures in commit") }
        }
        self.init(height: p.height, round: p.round, blockID: blockID, signatures: signatures)
    }
}
