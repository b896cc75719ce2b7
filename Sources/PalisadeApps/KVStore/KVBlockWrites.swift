import PalisadeABCI

/// The kvstore's whole state as a value: committed, it is what queries read; copied and changed
/// by a block, it is the pending state until commit. A `KVStateStore` persists it.
public struct KVState: Sendable, Hashable {
    /// The last height whose block this state includes (0 before the first block).
    public var height: Int64
    /// How many transactions have been executed, CometBFT kvstore's `size` (reported by `info`).
    public var size: Int64
    public var pairs: [Bytes: Bytes]
    public var validators: [Ed25519PublicKey: Int64]

    public init(height: Int64 = 0, size: Int64 = 0, pairs: [Bytes: Bytes] = [:], validators: [Ed25519PublicKey: Int64] = [:]) {
        self.height = height
        self.size = size
        self.pairs = pairs
        self.validators = validators
    }

    /// RFC 6962 merkle root (`Merkle.root`) over every entry, sorted: first each key/value pair
    /// by key bytes, as `0x01 ‖ uvarint(len key) ‖ key ‖ uvarint(len value) ‖ value`, then each
    /// validator by public key, as `0x02 ‖ pubkey (32) ‖ power (8, big-endian)`. Height and size
    /// are not hashed: two nodes agree on the hash exactly when they hold the same pairs and set.
    /// (CometBFT's kvstore hashes only its 8-byte size; a root over the contents catches more.)
    public var appHash: Bytes {
        var leaves: [Bytes] = []
        leaves.reserveCapacity(pairs.count + validators.count)
        for (key, value) in pairs.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            var leaf: Bytes = [0x01]
            leaf.reserveCapacity(key.count + value.count + 11)
            Varint.append(UInt64(key.count), to: &leaf)
            leaf += key
            Varint.append(UInt64(value.count), to: &leaf)
            leaf += value
            leaves.append(leaf)
        }
        for (key, power) in validators.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            var leaf: Bytes = [0x02] + key.bytes
            for shift in stride(from: 56, through: 0, by: -8) { leaf.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: power) >> UInt64(shift))) }
            leaves.append(leaf)
        }
        return Merkle.root(leaves)
    }

    /// Sets a validator's power, or removes it at 0. Returns false for removing a validator that
    /// is not in the set, which CometBFT would refuse as an update.
    mutating func apply(_ update: ValidatorUpdate) -> Bool {
        if update.power == 0 {
            return validators.removeValue(forKey: update.publicKey) != nil
        }
        validators[update.publicKey] = update.power
        return true
    }

    func validatorKey(for address: Address) -> Ed25519PublicKey? {
        validators.keys.first { $0.address == address }
    }
}
