import PalisadeCrypto
import PalisadeProto

extension Proposal {
    public var proto: Tendermint_Types_Proposal {
        var p = Tendermint_Types_Proposal()
        p.type = .proposal
        p.height = height
        p.round = round
        p.polRound = polRound
        p.blockID = blockID.proto
        p.timestamp = timestamp.proto
        p.signature = signature.data
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [
        1: "type", 2: "height", 3: "round", 4: "pol_round", 5: "block_id", 6: "timestamp", 7: "signature",
    ]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_Proposal.self, from: bytes, message: "Proposal",
                                                     fieldNames: Self.fieldNames))
    }

    /// A proposal from a peer, with CometBFT's `Proposal.ValidateBasic` checks: `polRound` (the
    /// paper's vr) is -1 or an earlier round, and the block ID names a real block.
    public init(proto p: Tendermint_Types_Proposal) throws(DecodingError) {
        try self.init(proto: p, signed: true)
    }

    /// A proposal a node asks a remote signer to sign (privval `SignProposalRequest`): the same
    /// checks, with no signature yet.
    public init(unsignedProto p: Tendermint_Types_Proposal) throws(DecodingError) {
        guard p.signature.isEmpty else {
            throw FieldPath(message: "Proposal").child("signature").error("a proposal to sign must not carry one")
        }
        try self.init(proto: p, signed: false)
    }

    private init(proto p: Tendermint_Types_Proposal, signed: Bool) throws(DecodingError) {
        let path = FieldPath(message: "Proposal")
        guard p.type == .proposal else { throw path.child("type").error("\(p.type) is not a proposal") }
        guard p.height > 0 else { throw path.child("height").error("must be positive, got \(p.height)") }
        guard p.round >= 0 else { throw path.child("round").error("cannot be negative, got \(p.round)") }
        guard p.polRound >= -1, p.polRound < p.round else {
            throw path.child("pol_round").error("\(p.polRound) must be -1 or below round \(p.round)")
        }
        let blockID = try BlockID(proto: p.blockID, at: path.child("block_id"))
        guard blockID.isComplete else { throw path.child("block_id").error("must name a complete block") }
        try Vote.checkSignature(p.signature.count, at: path.child("signature"), required: signed)
        self.init(height: p.height, round: p.round, polRound: p.polRound, blockID: blockID,
                  timestamp: try path.child("timestamp").timestamp(p.timestamp), signature: p.signature.bytes)
    }
}
