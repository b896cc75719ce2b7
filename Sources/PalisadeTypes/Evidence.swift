import PalisadeCrypto

/// Any misbehaviour a block can carry (CometBFT's `Evidence` interface, the `tendermint.types.Evidence`
/// oneof on the wire): a validator's double sign, or validators signing a header that conflicts
/// with the chain, as a light client reports it. One type so the block's list, the pool, gossip and
/// execution handle both kinds alike, and a node that does not know a kind cannot silently drop it.
public enum Evidence: Sendable, Hashable, CustomStringConvertible {
    case duplicateVote(DuplicateVoteEvidence)
    case lightClientAttack(LightClientAttackEvidence)

    /// The height it is judged at: the votes' height, or an attack's common height (the height at
    /// which the attackers were bonded), for expiry and punishment alike.
    public var height: Int64 {
        switch self {
        case .duplicateVote(let e): e.height
        case .lightClientAttack(let e): e.height
        }
    }

    /// The time of the block at `height`, against which the pool measures the evidence's age.
    public var time: Timestamp {
        switch self {
        case .duplicateVote(let e): e.timestamp
        case .lightClientAttack(let e): e.timestamp
        }
    }

    /// CometBFT's `Evidence.Hash`: what the pool and the block store key the evidence by.
    public func hash() -> Bytes {
        switch self {
        case .duplicateVote(let e): e.hash()
        case .lightClientAttack(let e): e.hash()
        }
    }

    /// CometBFT's `Evidence.Bytes`: the kind's own message, not wrapped in the oneof; the
    /// header's `evidence_hash` is a merkle root over these.
    public var protobuf: Bytes {
        switch self {
        case .duplicateVote(let e): e.protobuf
        case .lightClientAttack(let e): e.protobuf
        }
    }

    public var description: String {
        switch self {
        case .duplicateVote(let e): e.description
        case .lightClientAttack(let e): e.description
        }
    }
}
