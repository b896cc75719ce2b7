import Hummingbird
import HummingbirdWebSocket

extension RPCServer {
    /// How long a slow client gets to read the close frame before its connection is dropped.
    static let closeGracePeriodSeconds: Int64 = 5

    /// `/websocket`: JSON-RPC requests in text frames, answers and subscription events out.
    /// Outgoing messages pass through a bounded queue; a client that lets it fill is sent the
    /// reason and disconnected, so one slow reader cannot hold events for the others.
    func addWebSocketRoute(to router: Router<BasicWebSocketRequestContext>) {
        let dispatcher = self.dispatcher
        let hub = self.hub
        let maxMessage = configuration.maxBodyBytes
        router.ws("/websocket") { inbound, outbound, _ in
            let (session, queue) = await hub.open()
            defer { Task { await hub.close(session.id) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in queue { try await outbound.write(.text(text)) }
                    if await hub.wasOverflowed(session.id) {
                        let error = RPCError.serverError("subscription was canceled (reason: \(SubscriptionHub.slowClientReason))")
                        try? await outbound.write(.text(RPCDispatcher.envelope(id: nil, error: error).text))
                        try? await outbound.close(.policyViolation, reason: SubscriptionHub.slowClientReason)
                        // Closing the channel now would discard what is still queued for the slow
                        // socket, reason included: wait for the client's close reply (which ends
                        // the reader) or give up after a grace period.
                        try await Task.sleep(for: .seconds(Self.closeGracePeriodSeconds))
                    }
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: maxMessage) {
                        let bytes: [UInt8]
                        switch message {
                        case .text(let text): bytes = Array(text.utf8)
                        case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                        }
                        if let answer = await dispatcher.handleWebSocket(bytes, session: session) {
                            await hub.send(answer.text, to: session.id)
                        }
                    }
                    await hub.finish(session.id)
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }
}

extension RPCDispatcher {
    /// One WebSocket message: a single request (no batches over WebSocket, as in CometBFT).
    func handleWebSocket(_ bytes: [UInt8], session: WebSocketSession) async -> JSONValue? {
        let request: JSONValue
        do {
            request = try JSONValue(parsing: bytes)
        } catch {
            return Self.envelope(id: nil, error: .parseError("error unmarshaling request: \(error)"))
        }
        if let problem = Self.shapeProblem(request) {
            return Self.envelope(id: nil, error: .parseError("error unmarshaling request: \(problem)"))
        }
        return await call(request, session: session)
    }
}
