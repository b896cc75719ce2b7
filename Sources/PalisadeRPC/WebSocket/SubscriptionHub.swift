import PalisadeIndexer

/// Everything WebSocket clients share: the open sessions with their bounded outbound queues,
/// their subscriptions, and the fan-out of backend events to matching subscriptions. One actor,
/// so limits are checked and applied atomically.
actor SubscriptionHub {
    struct Subscription {
        let query: EventQuery
        /// The subscribe request's id: CometBFT answers every event with it.
        let requestID: JSONValue
    }

    /// Why a slow client is dropped (CometBFT's wording).
    static let slowClientReason = "client is not pulling messages fast enough"

    private let configuration: RPCServerConfiguration
    private var nextID = 0
    private var outbound: [Int: AsyncStream<String>.Continuation] = [:]
    private var overflowed: Set<Int> = []
    /// Per session, subscriptions keyed by the query text as the client wrote it.
    private var subscriptions: [Int: [String: Subscription]] = [:]

    init(configuration: RPCServerConfiguration) { self.configuration = configuration }

    /// Opens a session and its outbound queue.
    func open() -> (WebSocketSession, AsyncStream<String>) {
        nextID += 1
        let (stream, continuation) = AsyncStream<String>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, configuration.subscriptionBufferSize)))
        outbound[nextID] = continuation
        return (WebSocketSession(id: nextID, hub: self), stream)
    }

    func close(_ session: Int) {
        outbound.removeValue(forKey: session)?.finish()
        subscriptions.removeValue(forKey: session)
        overflowed.remove(session)
    }

    /// Ends the session's outbound stream once its client has hung up.
    func finish(_ session: Int) { outbound[session]?.finish() }

    /// Whether the session was dropped for falling behind.
    func wasOverflowed(_ session: Int) -> Bool { overflowed.contains(session) }

    /// Queues a message; a full queue marks the client slow, cancels its subscriptions and
    /// ends its stream so the writer closes the connection with the reason.
    func send(_ text: String, to session: Int) {
        guard let continuation = outbound[session] else { return }
        if case .dropped = continuation.yield(text) {
            overflowed.insert(session)
            subscriptions.removeValue(forKey: session)
            continuation.finish()
        }
    }

    func subscribe(_ session: Int, query text: String, requestID: JSONValue) throws(RPCError) {
        let clients = subscriptions.values.count(where: { !$0.isEmpty })
        if clients >= configuration.maxSubscriptionClients {
            throw .internalError("max_subscription_clients \(configuration.maxSubscriptionClients) reached")
        }
        if subscriptions[session, default: [:]].count >= configuration.maxSubscriptionsPerClient {
            throw .internalError("max_subscriptions_per_client \(configuration.maxSubscriptionsPerClient) reached")
        }
        let query = try Self.parse(text)
        guard subscriptions[session]?[text] == nil else { throw .internalError("already subscribed") }
        subscriptions[session, default: [:]][text] = Subscription(query: query, requestID: requestID)
    }

    func unsubscribe(_ session: Int, query text: String) throws(RPCError) {
        _ = try Self.parse(text)
        guard subscriptions[session]?.removeValue(forKey: text) != nil else {
            throw .internalError("subscription not found")
        }
    }

    func unsubscribeAll(_ session: Int) throws(RPCError) {
        guard let subs = subscriptions[session], !subs.isEmpty else { throw .internalError("subscription not found") }
        subscriptions[session] = [:]
    }

    static func parse(_ text: String) throws(RPCError) -> EventQuery {
        guard text.utf8.count <= TxMethods.maxQueryLength else { throw .internalError("maximum query length exceeded") }
        do {
            return try EventQuery(text)
        } catch {
            throw .internalError("failed to parse query: \(error)")
        }
    }

    /// Sends `event` to every subscription whose query matches, as CometBFT's `ResultEvent`.
    func publish(_ event: RPCEvent) {
        let composite = event.compositeEvents
        var data: JSONValue?
        for (session, subs) in subscriptions {
            for (text, sub) in subs where sub.query.matches(composite) {
                let payload = data ?? EventJSON.data(event)
                data = payload
                let result = JSONValue.obj(["query": .string(text), "data": payload,
                                            "events": EventJSON.compositeEvents(composite)])
                send(RPCDispatcher.envelope(id: sub.requestID, result: result).text, to: session)
            }
        }
    }
}

/// One WebSocket connection, as the subscription methods see it.
struct WebSocketSession: Sendable {
    let id: Int
    let hub: SubscriptionHub
}
