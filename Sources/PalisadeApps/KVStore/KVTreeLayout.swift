import PalisadeABCI

/// Where the kvstore's pairs and validators sit in its `SparseMerkleTree`, whose root is the
/// app hash. Each gets a leaf:
/// - a pair: path `SHA-256(0x01 ‖ key)`, value hash `SHA-256(value)`;
/// - a validator: path `SHA-256(0x02 ‖ pubkey (32))`, value hash `SHA-256(power, 8 bytes
///   big-endian)`; power 0 means no leaf (the validator left the set).
/// The namespace byte keeps a key from landing on a validator's leaf, so the root is one hash
/// over both, and two nodes agree on it exactly when they hold the same pairs and validators.
/// Height and size are not in the tree (CometBFT's kvstore hashes only its size; a root over the
/// contents catches more).
public enum KVTreeLayout {
    static let pairNamespace: UInt8 = 0x01
    static let validatorNamespace: UInt8 = 0x02

    public static func path(forKey key: Bytes) -> Bytes {
        SHA256Hash.digest(prefix: pairNamespace, key)
    }

    public static func valueHash(_ value: Bytes) -> Bytes {
        SHA256Hash.digest(value)
    }

    public static func path(forValidator key: Ed25519PublicKey) -> Bytes {
        SHA256Hash.digest(prefix: validatorNamespace, key.bytes)
    }

    public static func powerHash(_ power: Int64) -> Bytes {
        var bytes = Bytes()
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: power) >> UInt64(shift)))
        }
        return SHA256Hash.digest(bytes)
    }

    static func change(key: Bytes, value: Bytes) -> SMTChange {
        SMTChange(path: path(forKey: key), valueHash: valueHash(value))
    }

    static func change(validator key: Ed25519PublicKey, power: Int64) -> SMTChange {
        SMTChange(path: path(forValidator: key), valueHash: power == 0 ? nil : powerHash(power))
    }
}
