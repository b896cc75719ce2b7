import PalisadeCrypto
import PalisadeProto

/// What the app returned for one transaction. Only `code`, `data`, `gasWanted` and `gasUsed` are
/// deterministic (every honest node must agree on them); log, info, events and codespace may
/// differ between nodes, so the results hash leaves them out.
public struct ExecTxResult: Sendable, Hashable {
    public var code: UInt32
    public var data: Bytes
    public var gasWanted: Int64
    public var gasUsed: Int64

    public init(code: UInt32 = 0, data: Bytes = [], gasWanted: Int64 = 0, gasUsed: Int64 = 0) {
        self.code = code
        self.data = data
        self.gasWanted = gasWanted
        self.gasUsed = gasUsed
    }

    /// Keeps the deterministic fields of an app's full result.
    public init(proto: Tendermint_Abci_ExecTxResult) {
        self.init(code: proto.code, data: proto.data.bytes, gasWanted: proto.gasWanted, gasUsed: proto.gasUsed)
    }

    /// The deterministic subset as an ABCI `ExecTxResult`: the results hash's leaf.
    public var proto: Tendermint_Abci_ExecTxResult {
        var p = Tendermint_Abci_ExecTxResult()
        p.code = code
        p.data = data.data
        p.gasWanted = gasWanted
        p.gasUsed = gasUsed
        return p
    }

    /// The next header's `last_results_hash`: merkle root over each result's deterministic bytes.
    public static func resultsHash(_ results: [ExecTxResult]) -> Bytes {
        Merkle.root(results.map { CanonicalEncoding.encode($0.proto) })
    }

    /// Same, straight from the app's responses.
    public static func resultsHash(_ results: [Tendermint_Abci_ExecTxResult]) -> Bytes {
        resultsHash(results.map(ExecTxResult.init(proto:)))
    }
}
