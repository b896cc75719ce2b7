import PalisadeCrypto
import PalisadeProto

/// `tendermint.types.LightClientAttackEvidence`: `conflicting_block` (1, a `LightBlock`:
/// `signed_header` 1 = {`header` 1, `commit` 2}, `validator_set` 2), `common_height` (2),
/// `byzantine_validators` (3), `total_voting_power` (4), `timestamp` (5).
extension LightClientAttackEvidence {
    public var proto: Tendermint_Types_LightClientAttackEvidence {
        var signedHeader = Tendermint_Types_SignedHeader()
        signedHeader.header = conflictingHeader.proto
        signedHeader.commit = conflictingCommit.proto
        var block = Tendermint_Types_LightBlock()
        block.signedHeader = signedHeader
        block.validatorSet = conflictingValidators.proto
        var p = Tendermint_Types_LightClientAttackEvidence()
        p.conflictingBlock = block
        p.commonHeight = commonHeight
        p.byzantineValidators = byzantineValidators.map(\.proto)
        p.totalVotingPower = totalVotingPower
        p.timestamp = timestamp.proto
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [
        1: "conflicting_block", 2: "common_height", 3: "byzantine_validators", 4: "total_voting_power", 5: "timestamp",
    ]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_LightClientAttackEvidence.self, from: bytes,
                                                     message: "LightClientAttackEvidence", fieldNames: Self.fieldNames))
    }

    public init(proto: Tendermint_Types_LightClientAttackEvidence) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "LightClientAttackEvidence"))
    }

    /// With CometBFT's `ValidateBasic`: a whole conflicting light block (a header, a commit for
    /// exactly that header, the validator set the header names), a positive total power and
    /// common height, and a common height not above the conflicting one.
    init(proto p: Tendermint_Types_LightClientAttackEvidence, at path: FieldPath) throws(DecodingError) {
        let blockPath = path.child("conflicting_block")
        guard p.hasConflictingBlock else { throw blockPath.error("missing") }
        guard p.conflictingBlock.hasSignedHeader else { throw blockPath.child("signed_header").error("missing") }
        let signed = p.conflictingBlock.signedHeader
        guard signed.hasHeader else { throw blockPath.child("signed_header.header").error("missing") }
        guard signed.hasCommit else { throw blockPath.child("signed_header.commit").error("missing") }
        guard p.conflictingBlock.hasValidatorSet else { throw blockPath.child("validator_set").error("missing") }
        let header = try Header(proto: signed.header, at: blockPath.child("signed_header.header"))
        let commit = try Commit(proto: signed.commit, at: blockPath.child("signed_header.commit"))
        let validators = try ValidatorSet(proto: p.conflictingBlock.validatorSet, at: blockPath.child("validator_set"))
        guard commit.height == header.height else {
            throw blockPath.child("signed_header.commit.height").error("\(commit.height), but the header is at \(header.height)")
        }
        guard commit.blockID.hash == header.hash() else {
            throw blockPath.child("signed_header.commit.block_id").error("signs another block than the header")
        }
        guard header.validatorsHash == validators.hash() else {
            throw blockPath.child("validator_set").error("is not the set the header's validators_hash names")
        }
        guard p.totalVotingPower > 0 else {
            throw path.child("total_voting_power").error("must be positive, got \(p.totalVotingPower)")
        }
        guard p.commonHeight > 0 else { throw path.child("common_height").error("must be positive, got \(p.commonHeight)") }
        guard p.commonHeight <= header.height else {
            throw path.child("common_height").error("\(p.commonHeight) is above the conflicting block's height \(header.height)")
        }
        var byzantine: [Validator] = []
        for (i, validator) in p.byzantineValidators.enumerated() {
            byzantine.append(try Validator(proto: validator, at: path.child("byzantine_validators").index(i)))
        }
        self.init(conflictingHeader: header, conflictingCommit: commit, conflictingValidators: validators,
                  commonHeight: p.commonHeight, byzantineValidators: byzantine, totalVotingPower: p.totalVotingPower,
                  timestamp: try path.child("timestamp").timestamp(p.timestamp))
    }
}
