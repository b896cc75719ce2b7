import PalisadeCrypto
import PalisadeProto

/// A block's transactions, opaque to consensus: the app alone gives them meaning.
public struct BlockData: Sendable, Hashable {
    public var txs: [Bytes]

    public init(txs: [Bytes] = []) { self.txs = txs }

    /// The header's `data_hash`: merkle root over each transaction's SHA-256 (not the raw
    /// transaction), so a transaction's inclusion proof carries its hash, the key clients query by.
    public func hash() -> Bytes { Merkle.root(txs.map { SHA256Hash.digest($0) }) }

    public var proto: Tendermint_Types_Data {
        var p = Tendermint_Types_Data()
        p.txs = txs.map(\.data)
        return p
    }

    public init(proto: Tendermint_Types_Data) { self.init(txs: proto.txs.map(\.bytes)) }
}
