import PalisadeProto

/// Something an app reports about a transaction or a block, for indexers and subscribers
/// (`tx.height=5 AND app.key='x'`). Events are not part of consensus: nodes may differ on them.
public struct Event: Sendable, Hashable {
    public var type: String
    public var attributes: [EventAttribute]

    public init(type: String, attributes: [EventAttribute] = []) {
        self.type = type
        self.attributes = attributes
    }

    public var proto: Tendermint_Abci_Event {
        var p = Tendermint_Abci_Event()
        p.type = type
        p.attributes = attributes.map(\.proto)
        return p
    }

    public init(proto: Tendermint_Abci_Event) {
        self.init(type: proto.type, attributes: proto.attributes.map(EventAttribute.init(proto:)))
    }
}

/// One key and value of an event; `index` asks the node's indexer to make it searchable.
public struct EventAttribute: Sendable, Hashable {
    public var key: String
    public var value: String
    public var index: Bool

    public init(key: String, value: String, index: Bool = true) {
        self.key = key
        self.value = value
        self.index = index
    }

    public var proto: Tendermint_Abci_EventAttribute {
        var p = Tendermint_Abci_EventAttribute()
        p.key = key
        p.value = value
        p.index = index
        return p
    }

    public init(proto: Tendermint_Abci_EventAttribute) {
        self.init(key: proto.key, value: proto.value, index: proto.index)
    }
}
