import PalisadeCrypto
import PalisadeProto

extension ValidatorSet {
    /// CometBFT's `ValidatorSet.Hash`: RFC 6962 merkle root over each validator's `SimpleValidator`
    /// bytes in set order. This is the header's `validators_hash` / `next_validators_hash`.
    public func hash() -> Bytes {
        Merkle.root(validators.map(\.simpleValidatorBytes))
    }

    public var proto: Tendermint_Types_ValidatorSet {
        var p = Tendermint_Types_ValidatorSet()
        p.validators = validators.map(\.proto)
        if let proposer { p.proposer = proposer.proto }
        p.totalVotingPower = totalVotingPower
        return p
    }

    public var protobuf: Bytes { CanonicalEncoding.encode(proto) }

    static let fieldNames: [Int: String] = [1: "validators", 2: "proposer", 3: "total_voting_power"]

    public init(protobuf bytes: Bytes) throws(DecodingError) {
        try self.init(proto: try ProtoDecoder.decode(Tendermint_Types_ValidatorSet.self, from: bytes,
                                                     message: "ValidatorSet", fieldNames: Self.fieldNames))
    }

    /// A stored set, priorities and proposer as they were (CometBFT's `ValidatorSetFromProto`,
    /// which runs no proposer round). Beyond CometBFT's `ValidateBasic` it insists on what this
    /// type relies on: positive powers, unique addresses, set order, a total within the cap, and a
    /// proposer that is a member. The `total_voting_power` field is recomputed, never trusted.
    public init(proto: Tendermint_Types_ValidatorSet) throws(DecodingError) {
        try self.init(proto: proto, at: FieldPath(message: "ValidatorSet"))
    }

    init(proto p: Tendermint_Types_ValidatorSet, at path: FieldPath) throws(DecodingError) {
        guard !p.validators.isEmpty else { throw path.child("validators").error("validator set is empty") }
        var list: [Validator] = []
        list.reserveCapacity(p.validators.count)
        var total: Int64 = 0
        var seen = Set<Address>()
        for (i, proto) in p.validators.enumerated() {
            let at = path.child("validators").index(i)
            let v = try Validator(proto: proto, at: at)
            guard v.votingPower > 0 else { throw at.child("voting_power").error("must be positive in a set, got 0") }
            guard seen.insert(v.address).inserted else { throw at.child("address").error("duplicate validator \(v.address)") }
            if let previous = list.last, !Validator.setOrder(previous, v) {
                throw at.error("out of order: sets are sorted by voting power descending, then address")
            }
            // Both terms are at most the cap, so the sum cannot overflow before the check.
            guard v.votingPower <= Self.maxTotalVotingPower, total + v.votingPower <= Self.maxTotalVotingPower else {
                throw at.child("voting_power").error("total voting power exceeds \(Self.maxTotalVotingPower)")
            }
            total += v.votingPower
            list.append(v)
        }
        guard p.hasProposer else { throw path.child("proposer").error("missing") }
        let proposer = try Validator(proto: p.proposer, at: path.child("proposer"))
        guard let proposerIndex = list.firstIndex(where: { $0.address == proposer.address }) else {
            throw path.child("proposer").error("\(proposer.address) is not in the set")
        }
        self.init(sortedValidators: list, proposerIndex: proposerIndex)
    }
}
