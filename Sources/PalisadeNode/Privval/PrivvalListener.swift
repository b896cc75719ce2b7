import Logging
import NIOCore
import NIOPosix
import PalisadeABCISocket

/// The node's side of `priv_validator_laddr`: it listens and a signer dials in, as in CometBFT
/// (the node never dials out, so the signer's host can refuse every inbound connection).
///
/// One signer connection is used at a time, the newest: a signer that restarts dials again while
/// the node may not yet have noticed its old connection is dead, so a new connection replaces the
/// old one. Requests go one at a time (the protocol matches responses by order); each has a
/// deadline, and a request that misses it closes the connection, since a late answer must never be
/// taken for the next request's. An idle connection is pinged so a dead signer is noticed before
/// consensus needs it.
public actor PrivvalListener {
    public struct Options: Sendable {
        /// How long one request may take, from sending to answer; also how long a request waits
        /// for a signer to be connected. CometBFT's default read/write time-out is 5 s; the node
        /// misses the step rather than waiting longer (other validators' timeouts run meanwhile).
        public var requestTimeout: Duration = .seconds(5)
        /// Idle connections are pinged this often (CometBFT: two thirds of the read time-out).
        public var pingInterval: Duration = .milliseconds(3_333)
        /// The largest response accepted; a signed vote or proposal is a few hundred bytes.
        public var maxFrameBytes = 64 * 1024

        public init() {}
    }

    public let address: ABCIAddress
    private let options: Options
    private let logger: Logger
    private var server: (any Channel)?
    private var connection: (any Channel)?
    /// Callers waiting for a signer to connect.
    private var connectWaiters: [CheckedContinuation<Void, Never>] = []
    /// One request at a time: a caller that finds the line busy queues here.
    private var busy = false
    private var lineWaiters: [CheckedContinuation<Void, Never>] = []
    private var pinger: Task<Void, Never>?

    public init(address: ABCIAddress, options: Options = Options(), logger: Logger) {
        self.address = address
        self.options = options
        self.logger = logger
    }

    /// Binds the address; signers may dial from now on. A `unix://` socket file left by an
    /// earlier run is replaced.
    public func start() async throws {
        let security = PrivvalTransportSecurity.for(address)
        let maxFrameBytes = options.maxFrameBytes, logger = logger
        let adopt: @Sendable (any Channel) -> Void = { [weak self] channel in Task { await self?.adopt(channel) } }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Adopted once active: a connection is usable (and `activeConnection` sees it) only then.
                    try security.configure(channel.pipeline.syncOperations, maxFrameBytes: maxFrameBytes,
                                           handler: PrivvalClientHandler(onActive: adopt),
                                           log: { logger.warning("\($0)") })
                }
            }
        switch address {
        case let .tcp(host, port): server = try await bootstrap.bind(host: host, port: port).get()
        case let .unix(path): server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        }
        let interval = options.pingInterval
        pinger = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await self?.pingIfIdle()
            }
        }
    }

    public var isListening: Bool { server != nil }

    /// The port bound (for `tcp://…:0` in tests); nil for a unix socket.
    public var boundPort: Int? { server?.localAddress?.port }

    public func stop() async {
        pinger?.cancel()
        try? await server?.close()
        try? await connection?.close()
        server = nil
        connection = nil
        for waiter in connectWaiters { waiter.resume() }
        connectWaiters = []
    }

    /// Waits until a signer is connected (at start, before asking for the validator's key).
    public func waitForSigner() async {
        while activeConnection == nil, server != nil {
            await withCheckedContinuation { connectWaiters.append($0) }
        }
    }

    /// Sends `request` and returns the signer's answer, or `.unavailable` when no signer is
    /// connected within the time-out, the answer is late (the connection is then closed), or the
    /// connection fails.
    public func send(_ request: PrivvalRequest) async throws(SignerError) -> PrivvalResponse {
        await acquireLine()
        defer { releaseLine() }
        let deadline = ContinuousClock.now.advanced(by: options.requestTimeout)
        guard let channel = await connection(before: deadline) else {
            throw .unavailable("no signer connected to \(address)")
        }
        let response = channel.eventLoop.makePromise(of: PrivvalResponse.self)
        channel.writeAndFlush(PrivvalCall(request: request, response: response)).whenFailure { error in
            response.fail(SignerError.unavailable("sending to the signer: \(error)"))
        }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let timeout = options.requestTimeout
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(max(0, remaining.nanoseconds))) {
            response.fail(SignerError.unavailable("no answer within \(timeout)"))
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await response.futureResult.get()
        } catch let error as SignerError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }

    private func adopt(_ channel: any Channel) {
        guard server != nil else {
            channel.close(promise: nil)
            return
        }
        if let old = connection {
            logger.info("a signer connected again; dropping its previous connection")
            old.close(promise: nil)
        } else {
            logger.notice("remote signer connected", metadata: ["address": "\(address)"])
        }
        connection = channel
        channel.closeFuture.whenComplete { [weak self] _ in
            Task { await self?.forget(channel) }
        }
        for waiter in connectWaiters { waiter.resume() }
        connectWaiters = []
    }

    private func forget(_ channel: any Channel) {
        guard connection === channel else { return }
        connection = nil
        logger.warning("remote signer disconnected; the validator signs nothing until one connects",
                       metadata: ["address": "\(address)"])
    }

    /// The current connection, waiting for one until `deadline`.
    private func connection(before deadline: ContinuousClock.Instant) async -> (any Channel)? {
        if let activeConnection { return activeConnection }
        let waiter = Task { [weak self] in
            try? await Task.sleep(until: deadline)
            await self?.wakeConnectWaiters()
        }
        defer { waiter.cancel() }
        while activeConnection == nil, server != nil, ContinuousClock.now < deadline {
            await withCheckedContinuation { connectWaiters.append($0) }
        }
        return activeConnection
    }

    /// The connection, unless it is already closed: its close is reported by a task that may
    /// not have run yet, and a signer that just dialed again should not lose a request to it.
    private var activeConnection: (any Channel)? {
        guard let connection, connection.isActive else { return nil }
        return connection
    }

    private func wakeConnectWaiters() {
        for waiter in connectWaiters { waiter.resume() }
        connectWaiters = []
    }

    private func pingIfIdle() async {
        guard !busy, activeConnection != nil else { return }
        do {
            guard case .ping = try await send(.ping) else {
                logger.warning("the signer answered a ping with something else; dropping its connection")
                try? await connection?.close()
                return
            }
        } catch {
            logger.warning("the signer missed a ping: \(error)")
        }
    }

    private func acquireLine() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { lineWaiters.append($0) }
    }

    private func releaseLine() {
        if lineWaiters.isEmpty {
            busy = false
        } else {
            lineWaiters.removeFirst().resume()
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
