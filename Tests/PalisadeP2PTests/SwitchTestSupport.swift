import NIOCore
import NIOPosix
import PalisadeCrypto
@testable import PalisadeP2P
import Synchronization
import Testing

/// Settings that make redials quick; keepalive stays slow unless a test is about it.
func fastSwitchConfiguration(
    sendQueueLimit: Int = 1024, maxInboundPeers: Int = 40,
    pingInterval: Duration = .seconds(5), idleTimeout: Duration = .seconds(60)
) -> SwitchConfiguration {
    SwitchConfiguration(dialBackoffInitial: .milliseconds(20), dialBackoffMax: .milliseconds(300),
                        maxInboundPeers: maxInboundPeers, sendQueueLimit: sendQueueLimit,
                        pingInterval: pingInterval, idleTimeout: idleTimeout)
}

/// A started switch, its log, and every event it reported (consumed by a background task).
final class TestNode: Sendable {
    let key: NodeKey
    let node: Switch
    let log = LogLines()
    private let recorded = EventRecorder()

    /// `holdingMessages`: messages keep their share of the inbound budget until
    /// `releaseMessages()`, as a consumer that has not got to them yet would.
    init(seed: UInt64, port: Int = 0, peers: [PeerAddress] = [],
         configuration: SwitchConfiguration = fastSwitchConfiguration(), holdingMessages: Bool = false,
         nodeInfo: NodeInfo = NodeInfo(nodeID: "")) async throws {
        key = makeNodeKey(seed)
        let log = self.log
        node = Switch(nodeKey: key, listenHost: "127.0.0.1", listenPort: port, persistentPeers: peers,
                      configuration: P2PConfiguration(nodeInfo: nodeInfo),
                      switchConfiguration: configuration, log: { log.append($0) })
        try await node.start()
        let events = node.events
        Task { [recorded] in
            for await event in events {
                // Recorded means handled: the message's share of the inbound budget is given back.
                if !holdingMessages, case .message(_, _, _, let lease) = event { lease?.release() }
                recorded.append(event)
            }
        }
    }

    var id: String { key.id }

    func address() async -> PeerAddress { PeerAddress(id: key.id, host: "127.0.0.1", port: await node.listenPort) }

    var events: [SwitchEvent] { recorded.events }

    /// Gives back every recorded message's share of the inbound budget.
    func releaseMessages() {
        for case .message(_, _, _, let lease) in events { lease?.release() }
    }

    func messages(from peer: String) -> [InboundMessage] {
        events.compactMap {
            guard case .message(let from, let channel, let bytes, _) = $0, from == peer else { return nil }
            return InboundMessage(channel: channel, bytes: bytes)
        }
    }

    func connections(of peer: String) -> Int {
        events.count { if case .peerConnected(let info) = $0 { info.id == peer } else { false } }
    }

    func disconnectReasons(of peer: String) -> [String] {
        events.compactMap {
            guard case .peerDisconnected(let id, let reason) = $0, id == peer else { return nil }
            return reason
        }
    }

    func isConnected(to peer: String) async -> Bool { await node.isConnected(peer) }
}

final class EventRecorder: Sendable {
    private let stored = Mutex<[SwitchEvent]>([])
    func append(_ event: SwitchEvent) { stored.withLock { $0.append(event) } }
    var events: [SwitchEvent] { stored.withLock { $0 } }
}

/// Whether each of the two switches has the other as a peer.
func linked(_ a: TestNode, _ b: TestNode) async -> Bool {
    let aSeesB = await a.isConnected(to: b.id)
    let bSeesA = await b.isConnected(to: a.id)
    return aSeesB && bSeesA
}

/// Polls `condition` until it holds or a generous deadline passes (a hang guard, not a timing
/// assertion: tests only check that the condition eventually held).
func eventually(_ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// A port that was free a moment ago, for tests where two nodes must name each other up front.
/// A port that was free a moment ago, drawn below Linux's ephemeral range (32768 and up): a port
/// the kernel hands out for port 0 can be taken by any outgoing connection before we bind it
/// again, and other suites in this process open many.
func freePort() async throws -> Int {
    var lastError: (any Error)?
    for _ in 0..<50 {
        let candidate = Int.random(in: 10_000..<20_000)
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: candidate).get()
            try await channel.close().get()
            return candidate
        } catch {
            lastError = error
        }
    }
    throw lastError ?? CancellationError()
}

/// A plain TCP client that can read, for handshakes forged byte by byte.
final class ReadingClient: Sendable {
    private let channel: any Channel
    private let collector: Collector

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: Mutex<(bytes: Bytes, closed: Bool)>
        init() { received = Mutex(([], false)) }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes += Bytes(buffer.readableBytesView) }
        }
        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
        }
    }

    init(port: Int) async throws {
        let collector = Collector()
        self.collector = collector
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    func write(_ bytes: Bytes) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// The first `count` bytes the server sent, once they are there.
    func read(_ count: Int) async throws -> Bytes {
        let collector = self.collector
        #expect(await eventually { collector.received.withLock { $0.bytes.count >= count || $0.closed } })
        return try collector.received.withLock {
            guard $0.bytes.count >= count else { throw P2PError.truncated(have: $0.bytes.count, need: count) }
            return Bytes($0.bytes.prefix(count))
        }
    }

    /// Returns once the server has closed the connection.
    func waitClosed() async throws { try await channel.closeFuture.get() }

    func close() async { try? await channel.close().get() }
}
