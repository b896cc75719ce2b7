/// `subscribe`, `unsubscribe`, `unsubscribe_all`: WebSocket only, as in CometBFT.
enum SubscriptionMethods {
    static func register(into t: inout [String: RPCMethod]) {
        t["subscribe"] = RPCMethod(["query"], webSocketOnly: true) { params, call in
            guard let session = call.session, let id = call.requestID else { throw RPCError.methodNotFound }
            try await session.hub.subscribe(session.id, query: try params.string("query") ?? "", requestID: id)
            return .object([])
        }
        t["unsubscribe"] = RPCMethod(["query"], webSocketOnly: true) { params, call in
            guard let session = call.session else { throw RPCError.methodNotFound }
            try await session.hub.unsubscribe(session.id, query: try params.string("query") ?? "")
            return .object([])
        }
        t["unsubscribe_all"] = RPCMethod(webSocketOnly: true) { _, call in
            guard let session = call.session else { throw RPCError.methodNotFound }
            try await session.hub.unsubscribeAll(session.id)
            return .object([])
        }
    }
}
