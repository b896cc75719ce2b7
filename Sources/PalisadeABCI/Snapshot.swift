import PalisadeCrypto
import PalisadeProto

/// A state-sync snapshot an app offers or is offered: the app decides the `format`, how many
/// `chunks` it has and what `hash` and `metadata` mean; two snapshots are the same only if
/// their hashes are.
public struct Snapshot: Sendable, Hashable {
    public var height: UInt64
    public var format: UInt32
    public var chunks: UInt32
    public var hash: Bytes
    public var metadata: Bytes

    public init(height: UInt64, format: UInt32, chunks: UInt32, hash: Bytes, metadata: Bytes = []) {
        self.height = height
        self.format = format
        self.chunks = chunks
        self.hash = hash
        self.metadata = metadata
    }

    public var proto: Tendermint_Abci_Snapshot {
        var p = Tendermint_Abci_Snapshot()
        p.height = height
        p.format = format
        p.chunks = chunks
        p.hash = hash.data
        p.metadata = metadata.data
        return p
    }

    public init(proto p: Tendermint_Abci_Snapshot) {
        self.init(height: p.height, format: p.format, chunks: p.chunks, hash: p.hash.bytes, metadata: p.metadata.bytes)
    }
}
