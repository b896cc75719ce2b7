import PalisadeProto
import PalisadeTypes

/// Everything an app says about one executed (or checked) transaction: ABCI's `ExecTxResult`.
/// Code 0 is success. Only `code`, `data`, `gasWanted` and `gasUsed` enter the block's results
/// hash (see `deterministic`); log, info, events and codespace may differ between nodes.
public struct TxResult: Sendable, Hashable {
    public var code: UInt32
    public var data: Bytes
    public var log: String
    public var info: String
    public var gasWanted: Int64
    public var gasUsed: Int64
    public var events: [Event]
    public var codespace: String

    public init(code: UInt32 = 0, data: Bytes = [], log: String = "", info: String = "", gasWanted: Int64 = 0,
                gasUsed: Int64 = 0, events: [Event] = [], codespace: String = "") {
        self.code = code
        self.data = data
        self.log = log
        self.info = info
        self.gasWanted = gasWanted
        self.gasUsed = gasUsed
        self.events = events
        self.codespace = codespace
    }

    public var isOK: Bool { code == 0 }

    /// The part every honest node must agree on: the leaf of `LastResultsHash`.
    public var deterministic: ExecTxResult {
        ExecTxResult(code: code, data: data, gasWanted: gasWanted, gasUsed: gasUsed)
    }

    public var proto: Tendermint_Abci_ExecTxResult {
        var p = Tendermint_Abci_ExecTxResult()
        p.code = code
        p.data = data.data
        p.log = log
        p.info = info
        p.gasWanted = gasWanted
        p.gasUsed = gasUsed
        p.events = events.map(\.proto)
        p.codespace = codespace
        return p
    }

    public init(proto p: Tendermint_Abci_ExecTxResult) {
        self.init(code: p.code, data: p.data.bytes, log: p.log, info: p.info, gasWanted: p.gasWanted,
                  gasUsed: p.gasUsed, events: p.events.map(Event.init(proto:)), codespace: p.codespace)
    }
}
