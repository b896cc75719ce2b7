import Logging
import NIOCore
import NIOPosix
import PalisadeABCISocket

/// `palisade signer`'s connection to its node: it dials the node's `priv_validator_laddr`, serves
/// requests until the connection ends, and dials again, backing off while the node is away
/// (100 ms doubling to 5 s, back to 100 ms after a connection that worked). The node never
/// dials the signer, so the signer's host need accept no inbound connection.
public struct PrivvalDialer: Sendable {
    public static let firstRetry: Duration = .milliseconds(100)
    public static let maxRetry: Duration = .seconds(5)

    public let address: ABCIAddress
    public let answerer: PrivvalAnswerer
    public let logger: Logger
    /// The largest request accepted; a vote with a 1 MiB extension fits.
    public var maxFrameBytes = 2 * 1024 * 1024

    public init(address: ABCIAddress, answerer: PrivvalAnswerer, logger: Logger) {
        self.address = address
        self.answerer = answerer
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var retry = Self.firstRetry
        while !Task.isCancelled {
            do {
                let channel = try await connect()
                logger.notice("connected to the node", metadata: ["address": "\(address)"])
                retry = Self.firstRetry
                await withTaskCancellationHandler {
                    try? await channel.closeFuture.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
                logger.warning("connection to the node closed; dialing again", metadata: ["address": "\(address)"])
            } catch {
                logger.debug("node not reachable, retrying in \(retry)", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: retry) } catch { return }
            retry = min(retry * 2, Self.maxRetry)
        }
    }

    private func connect() async throws -> any Channel {
        let security = PrivvalTransportSecurity.for(address)
        let answerer = answerer, logger = logger, maxFrameBytes = maxFrameBytes
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try security.configure(channel.pipeline.syncOperations, maxFrameBytes: maxFrameBytes,
                                           handler: PrivvalSignerHandler(answerer: answerer, logger: logger),
                                           log: { logger.warning("\($0)") })
                }
            }
        switch address {
        case let .tcp(host, port): return try await bootstrap.connect(host: host, port: port).get()
        case let .unix(path): return try await bootstrap.connect(unixDomainSocketPath: path).get()
        }
    }
}
