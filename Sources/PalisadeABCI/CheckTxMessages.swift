import PalisadeProto
import PalisadeTypes

/// Whether the mempool sees a transaction for the first time or re-checks one that stayed in the
/// mempool after a block changed the state it was checked against.
public enum CheckTxType: Int, Sendable, Hashable, CaseIterable {
    case new = 0
    case recheck = 1
}

/// A transaction offered to the mempool (by a client or a peer), on the mempool connection.
public struct CheckTxRequest: ABCIMessage {
    public var tx: Bytes
    public var type: CheckTxType

    public init(tx: Bytes, type: CheckTxType = .new) {
        self.tx = tx
        self.type = type
    }

    public var proto: Tendermint_Abci_RequestCheckTx {
        var p = Tendermint_Abci_RequestCheckTx()
        p.tx = tx.data
        p.type = Tendermint_Abci_CheckTxType(rawValue: type.rawValue) ?? .new
        return p
    }

    public init(proto p: Tendermint_Abci_RequestCheckTx) throws(DecodingError) {
        guard let type = CheckTxType(rawValue: p.type.rawValue) else {
            throw MessagePath("RequestCheckTx").child("type").unknownEnum(p.type.rawValue)
        }
        self.init(tx: p.tx.bytes, type: type)
    }
}

/// Code 0 admits the transaction to the mempool (and gossip); any other code drops it.
public struct CheckTxResponse: ABCIMessage {
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

    public var proto: Tendermint_Abci_ResponseCheckTx {
        var p = Tendermint_Abci_ResponseCheckTx()
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

    public init(proto p: Tendermint_Abci_ResponseCheckTx) {
        self.init(code: p.code, data: p.data.bytes, log: p.log, info: p.info, gasWanted: p.gasWanted,
                  gasUsed: p.gasUsed, events: p.events.map(Event.init(proto:)), codespace: p.codespace)
    }
}
