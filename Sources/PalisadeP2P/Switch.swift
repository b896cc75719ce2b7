import Foundation
import PalisadeCrypto

/// The peer manager: keeps one authenticated connection per peer ID on top of `P2PTransport`,
/// redials persistent peers, routes messages to and from the reactors, and drops peers that are
/// dead (keepalive), too slow (bounded send queue) or misbehaving (`disconnect(peer:reason:)`).
///
/// Rules (WIRE-FORMAT.md §4):
/// - Persistent peers are dialled with their ID pinned and redialled with `DialBackoff` whenever
///   not connected; a node answering with another ID fails the handshake and is retried later.
/// - At most one connection per peer ID. When both sides dial at once, both keep the connection
///   dialled by the lower node ID, so they agree without talking. A second inbound connection from
///   a peer replaces the first (the peer restarted or lost it).
/// - Connections to ourselves are dropped; other inbound peers are accepted up to
///   `maxInboundPeers`, other outbound ones up to `maxOutboundPeers` (persistent peers always are).
/// - A peer dropped for misbehaviour (`ban(peer:reason:)`) is refused for `banDuration`, unless
///   it is a persistent peer: the operator named it, and it is redialled as before. With
///   `banFile` set, bans survive a restart (`BanList`).
/// - At most `maxPeersPerIP` peers that are not persistent peers share one IP address, so one
///   host cannot take every inbound slot with many node keys (loopback only when
///   `limitLoopbackPeers`, so a localnet on one machine still works).
public actor Switch {
    public nonisolated let nodeID: String
    /// Every peer event, bounded (see `SwitchEvents`). Ends after `stop()`.
    public nonisolated let events: SwitchEvents
    /// What peers sent that is not handled yet; each `.message` holds a lease on it.
    public nonisolated let inboundBudget: InboundBudget
    /// The bound port once `start()` returned (the actual one when 0 was asked for).
    public private(set) var listenPort: Int

    private let nodeKey: NodeKey
    private let listenHost: String
    private let persistentPeers: [PeerAddress]
    private let persistentIDs: Set<String>
    private let settings: SwitchConfiguration
    private let maxMessageSize: Int
    private let transport: P2PTransport
    private let log: @Sendable (String) -> Void
    private let queue: EventQueue
    private var sessions: [String: PeerSession] = [:]
    /// Peers refused until the instant given (misbehaviour), kept in `banFile` when set.
    private var bans: BanList
    private var listener: P2PListener?
    private var tasks: [Task<Void, Never>] = []
    private var running = false
    private var stopped = false

    /// `configuration.log` is replaced by `log`, so transport and switch report to the same place.
    public init(nodeKey: NodeKey, listenHost: String, listenPort: Int, persistentPeers: [PeerAddress],
                configuration: P2PConfiguration = P2PConfiguration(),
                switchConfiguration: SwitchConfiguration = SwitchConfiguration(),
                log: @escaping @Sendable (String) -> Void) {
        var transportConfiguration = configuration
        transportConfiguration.log = log
        var seen = Set<String>()
        self.nodeKey = nodeKey
        self.nodeID = nodeKey.id
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.persistentPeers = persistentPeers.filter { seen.insert($0.id).inserted }
        self.persistentIDs = seen
        self.settings = switchConfiguration
        self.maxMessageSize = configuration.maxMessageSize
        self.transport = P2PTransport(configuration: transportConfiguration)
        self.log = log
        self.queue = EventQueue(messageLimit: switchConfiguration.eventBufferLimit)
        self.events = SwitchEvents(queue: queue)
        self.inboundBudget = InboundBudget(limits: switchConfiguration.inboundLimits)
        self.bans = BanList(path: switchConfiguration.banFile, problems: { log("p2p: ban list: \($0)") })
    }

    /// Listens, then dials every persistent peer in the background. Throws when the port cannot be bound.
    public func start() async throws {
        guard !running, !stopped else { return }
        let listener = try await transport.listen(host: listenHost, port: listenPort, nodeKey: nodeKey)
        self.listener = listener
        listenPort = listener.port
        running = true
        log("p2p: node \(nodeID) listening on \(listenHost):\(listenPort)")
        tasks.append(Task {
            for await connection in listener.peers { self.adopt(connection, outbound: false) }
        })
        for peer in persistentPeers {
            guard peer.id != nodeID else {
                log("p2p: persistent peer \(peer) is this node; not dialling it")
                continue
            }
            tasks.append(Task { await self.keepDialling(peer) })
        }
        tasks.append(Task { await self.keepAlive() })
    }

    /// Closes the listener and every connection (each reported as `.peerDisconnected`), then ends `events`.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        running = false
        for task in tasks { task.cancel() }
        tasks = []
        await listener?.close()
        let closing = Array(sessions.values)
        for session in closing { detach(session, reason: "switch stopped") }
        for session in closing { await session.close() }
        inboundBudget.close()
        queue.finish()
    }

    /// Connected peers, by ID, for RPC `net_info`.
    public var peers: [PeerInfo] { sessions.values.map(\.info).sorted { $0.id < $1.id } }

    public func isConnected(_ id: String) -> Bool { sessions[id.lowercased()] != nil }

    /// Queues one message for `id`; false when the peer is not connected, the message is refused
    /// (reserved channel, too large), or the peer's send queue is full, in which case the peer is
    /// disconnected. True means queued, not delivered. `.own` messages are written before any
    /// `.relay` still queued for the peer (`OutboundQueue`).
    public func send(to id: String, channel: ChannelID, bytes: Bytes, priority: SendPriority = .relay) -> Bool {
        guard let session = sessions[id.lowercased()], accepts(channel: channel, bytes: bytes) else { return false }
        return enqueue(session, channel: channel, bytes: bytes, priority: priority)
    }

    /// Queues the message for every connected peer but `except`; returns for how many it was queued.
    @discardableResult
    public func broadcast(channel: ChannelID, bytes: Bytes, except: String? = nil, priority: SendPriority = .relay) -> Int {
        guard accepts(channel: channel, bytes: bytes) else { return 0 }
        let skipped = except?.lowercased()
        var queued = 0
        for session in sessions.values where session.id != skipped {
            if enqueue(session, channel: channel, bytes: bytes, priority: priority) { queued += 1 }
        }
        return queued
    }

    /// Drops a peer that misbehaved (an invalid signature, an undecodable message, traffic that
    /// costs us and serves nothing) and refuses it for `banDuration`. A persistent peer is not
    /// banned: it is redialled after the backoff.
    public func ban(peer id: String, reason: String) async {
        let id = id.lowercased()
        recordBan(id, reason: reason)
        await disconnect(peer: id, reason: reason)
    }

    private func recordBan(_ id: String, reason: String) {
        guard !persistentIDs.contains(id) else { return }
        let seconds = Double(settings.banDuration.components.seconds)
            + Double(settings.banDuration.components.attoseconds) / 1e18
        if let error = bans.ban(id, until: Date().addingTimeInterval(seconds)) {
            log("p2p: could not write the ban list \(settings.banFile ?? ""): \(error)")
        }
        log("p2p: banning peer \(id) for \(settings.banDuration): \(reason)")
    }

    /// Whether `id` is refused now.
    public func isBanned(_ id: String) -> Bool {
        bans.isBanned(id.lowercased())
    }

    /// Dials a peer that is not a persistent peer, once (it is not redialled). False when it is
    /// banned or `maxOutboundPeers` such peers are connected; throws when the dial fails.
    public func connect(to peer: PeerAddress) async throws -> Bool {
        guard running, !isBanned(peer.id), sessions[peer.id] == nil else { return false }
        guard persistentIDs.contains(peer.id) || countPeers(outbound: true) < settings.maxOutboundPeers else {
            log("p2p: not dialling \(peer): \(settings.maxOutboundPeers) outbound peers already, the maximum")
            return false
        }
        let connection = try await transport.dial(host: peer.host, port: peer.port, expectedID: peer.id, nodeKey: nodeKey)
        return adopt(connection, outbound: true)
    }

    /// Drops a peer (a persistent peer is redialled after the backoff).
    public func disconnect(peer id: String, reason: String) async {
        guard let session = sessions[id.lowercased()] else { return }
        log("p2p: disconnecting peer \(session.id)@\(session.info.remoteAddress): \(reason)")
        detach(session, reason: reason)
        await session.close()
    }

    // MARK: - Connections

    @discardableResult
    private func adopt(_ connection: PeerConnection, outbound: Bool) -> Bool {
        let id = connection.peerID
        let direction = outbound ? "outbound" : "inbound"
        func reject(_ reason: String) -> Bool {
            log("p2p: dropping \(direction) connection with \(id)@\(connection.remoteAddress): \(reason)")
            Task { await connection.close() }
            return false
        }
        guard running else { return reject("switch is stopped") }
        guard id != nodeID else { return reject("connection to self") }
        guard persistentIDs.contains(id) || !isBanned(id) else { return reject("banned for misbehaviour") }
        if let existing = sessions[id] {
            if existing.info.isOutbound != outbound {
                // Simultaneous dials: both sides keep the connection dialled by the lower node ID.
                let keepNew = outbound == (nodeID < id)
                guard keepNew else { return reject("already connected; keeping the connection dialled by the lower node ID") }
            }
            log("p2p: peer \(id) connected again (\(direction)); closing the older connection")
            detach(existing, reason: "replaced by a newer connection")
            Task { await existing.close() }
        } else if !persistentIDs.contains(id) {
            let connected = countPeers(outbound: outbound)
            guard connected < (outbound ? settings.maxOutboundPeers : settings.maxInboundPeers) else {
                return reject("\(connected) \(direction) peers already, the maximum")
            }
            if let problem = addressLimitProblem(connection) { return reject(problem) }
        }
        let info = PeerInfo(id: id, remoteAddress: connection.remoteAddress, isOutbound: outbound,
                            isPersistent: persistentIDs.contains(id), connectedSince: Date(),
                            nodeInfo: connection.nodeInfo)
        let session = PeerSession(info: info, connection: connection, messageLimit: settings.sendQueueLimit,
                                  byteLimit: settings.sendQueueByteLimit,
                                  channelPriorities: settings.channelPriorities)
        sessions[id] = session
        log("p2p: peer \(id)@\(connection.remoteAddress) connected (\(direction))")
        queue.post(.peerConnected(info))
        startReading(session)
        startWriting(session)
        return true
    }

    /// Why one more peer from `connection`'s IP address would pass `maxPeersPerIP`, or nil.
    private func addressLimitProblem(_ connection: PeerConnection) -> String? {
        guard let ip = connection.remoteIP, settings.limitLoopbackPeers || !PeerConnection.isLoopback(ip) else {
            return nil
        }
        let same = sessions.values.count { !$0.info.isPersistent && $0.connection.remoteIP == ip }
        guard same >= settings.maxPeersPerIP else { return nil }
        return "\(same) peers from \(ip) already, the maximum for one address"
    }

    /// Connected peers in one direction that are not persistent peers: what the limits count.
    private func countPeers(outbound: Bool) -> Int {
        sessions.values.count { $0.info.isOutbound == outbound && !$0.info.isPersistent }
    }

    /// Forgets the session and reports it, once; the caller closes it. Synchronous, so that no
    /// other connection event for the same peer can come in between.
    private func detach(_ session: PeerSession, reason: String) {
        guard sessions[session.id] === session else { return }
        sessions[session.id] = nil
        queue.post(.peerDisconnected(id: session.id, reason: reason))
    }

    /// The reader or writer stopped. The transport has already logged socket and frame errors;
    /// `logged: false` is for faults only the switch saw (a bad control message, a failed send).
    /// `misbehaved`: the peer broke the protocol (a message no honest peer sends), so it is banned.
    private func ended(_ session: PeerSession, reason: String, logged: Bool = true, misbehaved: Bool = false) async {
        if misbehaved, sessions[session.id] === session { recordBan(session.id, reason: reason) }
        if !logged, sessions[session.id] === session {
            log("p2p: disconnecting peer \(session.id)@\(session.info.remoteAddress): \(reason)")
        }
        detach(session, reason: reason)
        await session.close()
    }

    private func startReading(_ session: PeerSession) {
        let (queue, budget, settings) = (self.queue, self.inboundBudget, self.settings)
        Task.detached {
            var reason = "connection closed"
            var logged = true
            var misbehaved = false
            do {
                for try await message in session.connection.inbound {
                    session.received()
                    if message.channel == ChannelIDs.control {
                        if message.bytes == Keepalive.ping {
                            _ = session.enqueue(channel: ChannelIDs.control, bytes: Keepalive.pong, priority: .own)
                        } else if message.bytes != Keepalive.pong {
                            reason = "unknown control message \(Bytes(message.bytes.prefix(16)).hex)"
                            logged = false
                            misbehaved = true
                            break
                        }
                        continue
                    }
                    if let problem = settings.problem(channel: message.channel, size: message.bytes.count) {
                        reason = problem
                        logged = false
                        misbehaved = true
                        break
                    }
                    // Waits while the peer (or all peers) hold their share of unhandled
                    // messages; meanwhile this connection's socket is not read.
                    session.setWaitingForConsumer(true)
                    guard let lease = await budget.acquire(peer: session.id, bytes: message.bytes.count) else { break }
                    let open = await queue.postMessage(.message(from: session.id, channel: message.channel,
                                                                bytes: message.bytes, lease: lease))
                    session.setWaitingForConsumer(false)
                    guard open else { break }
                }
            } catch {
                reason = "\(error)"
            }
            await self.ended(session, reason: reason, logged: logged, misbehaved: misbehaved)
        }
    }

    /// One writer per peer. It takes whatever is queued when it wakes (up to `writeBatch`
    /// messages) and hands it to the socket with one flush and one wait, instead of a round trip
    /// to the event loop per message: a height's votes for one peer often queue together.
    private func startWriting(_ session: PeerSession) {
        Task.detached {
            while let first = await session.nextOutbound() {
                let batch = [first] + session.queuedOutbound(limit: Self.writeBatch - 1)
                do {
                    try await session.connection.send(batch.map { ($0.channel, $0.bytes) })
                } catch {
                    await self.ended(session, reason: "send failed: \(error)", logged: false)
                    return
                }
                for message in batch { session.dequeued(message.bytes.count) }
            }
        }
    }

    /// Messages a writer hands to the socket at once. The queue already holds them (its limits
    /// count them until written), so this bounds only how long one flush waits.
    static let writeBatch = 64

    private func accepts(channel: ChannelID, bytes: Bytes) -> Bool {
        guard channel != ChannelIDs.control else {
            log("p2p: refusing to send on the reserved control channel \(channel)")
            return false
        }
        guard bytes.count <= maxMessageSize else {
            log("p2p: refusing to send a message of \(bytes.count) bytes on channel \(channel), above \(maxMessageSize)")
            return false
        }
        return true
    }

    private func enqueue(_ session: PeerSession, channel: ChannelID, bytes: Bytes, priority: SendPriority) -> Bool {
        switch session.enqueue(channel: channel, bytes: bytes, priority: priority) {
        case .queued:
            return true
        case .closed:
            return false
        case .full(let messages, let queuedBytes):
            let reason = "send queue full (\(messages) messages, \(queuedBytes) bytes unsent): the peer reads slower than we send"
            log("p2p: disconnecting peer \(session.id)@\(session.info.remoteAddress): \(reason)")
            detach(session, reason: reason)
            Task { await session.close() }
            return false
        }
    }

    // MARK: - Background loops

    /// Dials `peer` whenever it is not connected. The backoff resets only after a connection that
    /// lasted `dialBackoffMax`, so a peer that accepts and at once drops us is not dialled in a loop.
    private func keepDialling(_ peer: PeerAddress) async {
        var backoff = DialBackoff(initial: settings.dialBackoffInitial, maximum: settings.dialBackoffMax)
        var generator = SystemRandomNumberGenerator()
        while running, !Task.isCancelled {
            if let session = sessions[peer.id] {
                await session.connection.waitClosed()
                if session.adoptedAt.duration(to: .now) >= settings.dialBackoffMax { backoff.reset() }
            } else {
                do {
                    let connection = try await transport.dial(host: peer.host, port: peer.port,
                                                              expectedID: peer.id, nodeKey: nodeKey)
                    if adopt(connection, outbound: true) { continue }
                } catch {
                    log("p2p: dialling persistent peer \(peer) failed: \(error); retrying in up to \(backoff.current * 1.2)")
                }
            }
            try? await Task.sleep(for: backoff.next(using: &generator))
        }
    }

    /// Pings every peer each `pingInterval` and drops those silent for `idleTimeout`.
    private func keepAlive() async {
        while running, !Task.isCancelled {
            try? await Task.sleep(for: settings.pingInterval)
            guard running, !Task.isCancelled else { return }
            let now = ContinuousClock.now
            for session in sessions.values {
                if session.isIdle(for: settings.idleTimeout, now: now) {
                    let reason = "nothing received for \(settings.idleTimeout) (keepalive)"
                    log("p2p: disconnecting peer \(session.id)@\(session.info.remoteAddress): \(reason)")
                    detach(session, reason: reason)
                    Task { await session.close() }
                } else {
                    _ = enqueue(session, channel: ChannelIDs.control, bytes: Keepalive.ping, priority: .own)
                }
            }
        }
    }
}
