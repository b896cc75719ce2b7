import PalisadeABCI

extension EventQuery {
    /// CometBFT's flattened form of events, the map subscriptions are matched against:
    /// `type.key` -> values in event order. Every attribute counts here, `index: false` or not
    /// (that flag only concerns the indexer); events without a type and attributes without a key
    /// are skipped. The RPC layer adds the reserved keys (`tm.event`, `tx.hash`, `tx.height`).
    public static func flatten(_ events: [Event], into map: inout [String: [String]]) {
        for event in events where !event.type.isEmpty {
            for attribute in event.attributes where !attribute.key.isEmpty {
                map[event.type + "." + attribute.key, default: []].append(attribute.value)
            }
        }
    }

    public static func flatten(_ events: [Event]) -> [String: [String]] {
        var map: [String: [String]] = [:]
        flatten(events, into: &map)
        return map
    }
}
