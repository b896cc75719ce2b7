/// A validator or node address: the first 20 bytes of SHA-256(ed25519 public key), as CometBFT
/// derives it. Ordered by bytes, which is how proposer ties and validator-set order break.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let size = 20
    public let bytes: Bytes

    public init(publicKey: Ed25519PublicKey) {
        bytes = Bytes(SHA256Hash.digest(publicKey.bytes).prefix(Self.size))
    }

    /// Wraps raw address bytes. CometBFT addresses are 20 bytes; the vectors also use short ASCII
    /// names, so any length is accepted here and checked where the protocol requires 20.
    public init(bytes: Bytes) { self.bytes = bytes }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Upper-case hex, as CometBFT prints addresses.
    public var description: String { bytes.upperHex }
}
