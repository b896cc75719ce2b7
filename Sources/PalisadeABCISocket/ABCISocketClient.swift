import Logging
import NIOCore
import NIOPosix
import PalisadeABCI

/// An app in another process, reached over CometBFT v0.38's ABCI socket protocol, as an
/// `Application`: the node drives a socket app exactly as it drives an in-process one.
///
/// Four sockets, as CometBFT opens them: consensus, mempool, query and snapshot. On consensus,
/// query and snapshot each call is followed by a Flush and returns once both responses are in;
/// `checkTx` is pipelined on the mempool socket (many in flight, one Flush per batch, responses
/// matched in order). Any failure (an `exception` response, a response for the wrong method,
/// malformed or oversized bytes, a lost socket) throws `ABCIClientError` and fails the client
/// for good: every later call throws the same error, and the node stops.
public final class ABCISocketClient: Application, Sendable {
    public struct Options: Sendable {
        /// How long `connect` keeps retrying while the app is not up yet.
        public var connectTimeout: Duration
        /// The pause between connection attempts.
        public var retryInterval: Duration
        /// The largest response body accepted (see `ABCISocket.defaultMaxFrameBytes`).
        public var maxFrameBytes: Int
        /// How long a call on the consensus, query or snapshot connection may wait for its
        /// response. An app that hangs fails the client with `timedOut` (and the node stops with
        /// that error) instead of holding the node forever. Two minutes: far above what a
        /// FinalizeBlock or Commit of a full block takes, short enough to be noticed.
        public var callTimeout: Duration

        public init(connectTimeout: Duration = .seconds(30), retryInterval: Duration = .milliseconds(100),
                    maxFrameBytes: Int = ABCISocket.defaultMaxFrameBytes, callTimeout: Duration = .seconds(120)) {
            self.connectTimeout = connectTimeout
            self.retryInterval = retryInterval
            self.maxFrameBytes = maxFrameBytes
            self.callTimeout = callTimeout
        }
    }

    public let address: ABCIAddress
    private let channels: [ABCIConnectionKind: any Channel]
    private let failure: ABCIClientFailure
    private let callTimeout: Duration

    private init(address: ABCIAddress, channels: [ABCIConnectionKind: any Channel], failure: ABCIClientFailure,
                 callTimeout: Duration) {
        self.address = address
        self.channels = channels
        self.failure = failure
        self.callTimeout = callTimeout
    }

    /// Opens the four connections, retrying each until the app accepts it or `connectTimeout`
    /// has passed since the call (the node waits for its app at start).
    public static func connect(to address: ABCIAddress, options: Options = Options(),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               logger: Logger = Logger(label: "palisade.abci.client")) async throws(ABCIClientError) -> ABCISocketClient {
        let failure = ABCIClientFailure()
        let deadline = ContinuousClock.now.advanced(by: options.connectTimeout)
        var channels: [ABCIConnectionKind: any Channel] = [:]
        for kind in ABCIConnectionKind.allCases {
            do {
                channels[kind] = try await connectOne(kind, to: address, options: options, deadline: deadline,
                                                      group: group, failure: failure, logger: logger)
            } catch {
                for channel in channels.values { channel.close(promise: nil) }
                throw error
            }
        }
        let open = channels
        let client = ABCISocketClient(address: address, channels: open, failure: failure, callTimeout: options.callTimeout)
        failure.onFirstFailure { _ in
            for channel in open.values { channel.close(promise: nil) }
        }
        logger.info("connected to the ABCI app", metadata: ["address": "\(address)"])
        return client
    }

    private static func connectOne(_ kind: ABCIConnectionKind, to address: ABCIAddress, options: Options,
                                   deadline: ContinuousClock.Instant, group: any EventLoopGroup,
                                   failure: ABCIClientFailure, logger: Logger) async throws(ABCIClientError) -> any Channel {
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(ABCIFrameDecoder(maxBytes: options.maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        ABCIClientHandler(connection: kind, failure: failure, logger: logger))
                }
            }
        while true {
            do {
                switch address {
                case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port).get()
                case .unix(let path): return try await bootstrap.connect(unixDomainSocketPath: path).get()
                }
            } catch {
                let detail = String(describing: error)
                guard ContinuousClock.now < deadline, !Task.isCancelled else {
                    throw ABCIClientError(connection: kind, method: nil,
                                          reason: .connectFailed(address: address.description, detail: detail))
                }
                logger.debug("ABCI app not up yet, retrying", metadata: ["connection": "\(kind)", "error": "\(detail)"])
                do {
                    try await Task.sleep(for: options.retryInterval)
                } catch {
                    throw ABCIClientError(connection: kind, method: nil,
                                          reason: .connectFailed(address: address.description, detail: "cancelled"))
                }
            }
        }
    }

    /// The failure that ended this client, if any.
    public var failureReason: ABCIClientError? { failure.current }

    /// Returns the client's first failure once there is one (at once if there already is); nil
    /// if the calling task is cancelled first. A lost socket is noticed here the moment the
    /// kernel reports it, so the node can halt then, not at its next call to the app.
    public func waitForFailure() async -> ABCIClientError? {
        await failure.wait()
    }

    /// Closes the four sockets; every later call throws `.closed`.
    public func close() async {
        failure.record(ABCIClientError(connection: .consensus, method: nil, reason: .closed))
        for channel in channels.values { try? await channel.close() }
    }

    /// One request followed by a Flush; returns the request's response once both are in.
    func call(_ request: ABCIRequest, on kind: ABCIConnectionKind) async throws(ABCIClientError) -> ABCIResponse {
        let method = ABCIMethod(request)
        if let error = failure.current { throw error }
        guard let channel = channels[kind] else {
            throw ABCIClientError(connection: kind, method: method, reason: .connectionClosed("no such connection"))
        }
        let response = channel.eventLoop.makePromise(of: ABCIResponse.self)
        let flush = channel.eventLoop.makePromise(of: ABCIResponse.self)
        let call = ABCIClientCall(method: method, body: request.serializedBytes, response: response, flush: flush)
        channel.writeAndFlush(call).whenFailure { [failure] error in
            let closed = failure.current ?? ABCIClientError(connection: kind, method: method,
                                                            reason: .connectionClosed(String(describing: error)))
            response.fail(closed)
            flush.fail(closed)
        }
        // Past the deadline the client fails for good and the socket is closed, which fails the
        // waiting promises with the recorded `timedOut`.
        let timeout = callTimeout
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                        + timeout.components.attoseconds / 1_000_000_000)) {
            [failure] in
            failure.record(ABCIClientError(connection: kind, method: method, reason: .timedOut(timeout)))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        let result = try await wait(response.futureResult, kind, method)
        _ = try await wait(flush.futureResult, kind, method)
        return result
    }

    /// Pipelined: the request is written without waiting for earlier ones; the handler sends the
    /// Flush (one for all requests written in the same event-loop turn).
    func pipelined(_ request: ABCIRequest, on kind: ABCIConnectionKind) -> EventLoopFuture<ABCIResponse>? {
        guard let channel = channels[kind] else { return nil }
        let method = ABCIMethod(request)
        let response = channel.eventLoop.makePromise(of: ABCIResponse.self)
        if let error = failure.current {
            response.fail(error)
            return response.futureResult
        }
        let call = ABCIClientCall(method: method, body: request.serializedBytes, response: response, flush: nil)
        channel.write(call).whenFailure { [failure] error in
            response.fail(failure.current ?? ABCIClientError(connection: kind, method: method,
                                                             reason: .connectionClosed(String(describing: error))))
        }
        return response.futureResult
    }

    func wait(_ future: EventLoopFuture<ABCIResponse>, _ kind: ABCIConnectionKind,
              _ method: ABCIMethod) async throws(ABCIClientError) -> ABCIResponse {
        do {
            return try await future.get()
        } catch let error as ABCIClientError {
            throw error
        } catch {
            throw failure.record(ABCIClientError(connection: kind, method: method,
                                                 reason: .connectionClosed(String(describing: error))))
        }
    }

    /// A response the handler already matched to its method, unpacked; a mismatch here cannot
    /// happen, but it is an error, not a trap.
    func mismatch(_ response: ABCIResponse, _ kind: ABCIConnectionKind, _ method: ABCIMethod) -> ABCIClientError {
        failure.record(ABCIClientError(connection: kind, method: method,
                                       reason: .unexpectedResponse(got: ABCIMethod(response)?.rawValue ?? "Exception")))
    }
}
