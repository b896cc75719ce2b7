import PalisadeCrypto

/// One member of a validator set: its key, its stake (`votingPower`) and its place in the
/// weighted round robin that picks proposers (`proposerPriority`, CometBFT's `ProposerPriority`).
public struct Validator: Sendable, Hashable, CustomStringConvertible {
    public var address: Address
    public var publicKey: Ed25519PublicKey
    public var votingPower: Int64
    public var proposerPriority: Int64

    /// The address is derived from the key, as on a real chain.
    public init(publicKey: Ed25519PublicKey, votingPower: Int64, proposerPriority: Int64 = 0) {
        self.init(address: publicKey.address, publicKey: publicKey, votingPower: votingPower,
                  proposerPriority: proposerPriority)
    }

    /// An explicit address, for CometBFT's proposer vectors, whose validators are named by short
    /// ASCII strings ("foo", "bar") rather than by their keys. Not public: on a chain the address
    /// is always the key's.
    init(address: Address, publicKey: Ed25519PublicKey, votingPower: Int64, proposerPriority: Int64 = 0) {
        self.address = address
        self.publicKey = publicKey
        self.votingPower = votingPower
        self.proposerPriority = proposerPriority
    }

    public var description: String {
        "Validator(\(address.bytes.upperHex.prefix(12)) power=\(votingPower) priority=\(proposerPriority))"
    }

    /// CometBFT's `CompareProposerPriority`: the higher priority wins, a tie goes to the lower
    /// address, so every node picks the same proposer.
    func hasPriority(over other: Validator) -> Bool {
        if proposerPriority != other.proposerPriority { return proposerPriority > other.proposerPriority }
        return address < other.address
    }

    /// CometBFT's set order (`ValidatorsByVotingPower`): more power first, then lower address.
    static func setOrder(_ a: Validator, _ b: Validator) -> Bool {
        if a.votingPower != b.votingPower { return a.votingPower > b.votingPower }
        return a.address < b.address
    }
}

/// A change to the set, as an application returns it from `FinalizeBlock`: the new power of the
/// validator with this key, where zero removes it.
public struct ValidatorUpdate: Sendable, Hashable {
    public var publicKey: Ed25519PublicKey
    public var power: Int64

    public init(publicKey: Ed25519PublicKey, power: Int64) {
        self.publicKey = publicKey
        self.power = power
    }
}
