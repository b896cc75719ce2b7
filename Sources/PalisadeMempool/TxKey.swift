import PalisadeCrypto

/// A transaction's identity in the mempool and the seen-cache: the SHA-256 of its bytes, as
/// CometBFT's `TxKey`. Holding 32 bytes instead of the transaction keeps the cache small.
public struct TxKey: Sendable, Hashable, CustomStringConvertible {
    public let hash: Bytes

    public init(tx: Bytes) {
        hash = SHA256Hash.digest(tx)
    }

    public var description: String { hash.upperHex }
}
