import PalisadeProto
import PalisadeTypes

/// A read of the app's state (`abci_query`), on the query connection. `path` and `data` mean
/// what the app says they mean; `height` 0 asks for the latest committed state.
public struct QueryRequest: ABCIMessage {
    public var data: Bytes
    public var path: String
    public var height: Int64
    public var prove: Bool

    public init(data: Bytes = [], path: String = "", height: Int64 = 0, prove: Bool = false) {
        self.data = data
        self.path = path
        self.height = height
        self.prove = prove
    }

    public var proto: Tendermint_Abci_RequestQuery {
        var p = Tendermint_Abci_RequestQuery()
        p.data = data.data
        p.path = path
        p.height = height
        p.prove = prove
        return p
    }

    public init(proto p: Tendermint_Abci_RequestQuery) throws(DecodingError) {
        guard p.height >= 0 else { throw MessagePath("RequestQuery").child("height").error("cannot be negative, got \(p.height)") }
        self.init(data: p.data.bytes, path: p.path, height: p.height, prove: p.prove)
    }
}

/// One step of a merkle proof from a queried value towards the app hash; `type` names the format.
public struct ProofOp: Sendable, Hashable {
    public var type: String
    public var key: Bytes
    public var data: Bytes

    public init(type: String, key: Bytes, data: Bytes) {
        self.type = type
        self.key = key
        self.data = data
    }
}

/// The answer to a query; code 0 is success. `height` is the state's height the answer came from.
public struct QueryResponse: ABCIMessage {
    public var code: UInt32
    public var log: String
    public var info: String
    public var index: Int64
    public var key: Bytes
    public var value: Bytes
    public var proofOps: [ProofOp]
    public var height: Int64
    public var codespace: String

    public init(code: UInt32 = 0, log: String = "", info: String = "", index: Int64 = 0, key: Bytes = [],
                value: Bytes = [], proofOps: [ProofOp] = [], height: Int64 = 0, codespace: String = "") {
        self.code = code
        self.log = log
        self.info = info
        self.index = index
        self.key = key
        self.value = value
        self.proofOps = proofOps
        self.height = height
        self.codespace = codespace
    }

    public var proto: Tendermint_Abci_ResponseQuery {
        var p = Tendermint_Abci_ResponseQuery()
        p.code = code
        p.log = log
        p.info = info
        p.index = index
        p.key = key.data
        p.value = value.data
        if !proofOps.isEmpty {
            p.proofOps.ops = proofOps.map { op in
                var o = Tendermint_Crypto_ProofOp()
                o.type = op.type
                o.key = op.key.data
                o.data = op.data.data
                return o
            }
        }
        p.height = height
        p.codespace = codespace
        return p
    }

    public init(proto p: Tendermint_Abci_ResponseQuery) throws(DecodingError) {
        guard p.height >= 0 else { throw MessagePath("ResponseQuery").child("height").error("cannot be negative, got \(p.height)") }
        self.init(code: p.code, log: p.log, info: p.info, index: p.index, key: p.key.bytes, value: p.value.bytes,
                  proofOps: p.proofOps.ops.map { ProofOp(type: $0.type, key: $0.key.bytes, data: $0.data.bytes) },
                  height: p.height, codespace: p.codespace)
    }
}
