/// The `[rpc]` settings of CometBFT's `config.toml` that this server honours, with its defaults.
public struct RPCServerConfiguration: Sendable, Hashable {
    /// Interface to bind (`127.0.0.1` by default: the RPC is not for the open internet).
    public var host: String
    /// TCP port; 0 picks a free one (read it from `RPCServer.boundPort()`).
    public var port: Int
    /// `max_body_bytes`: larger request bodies get `-32600 Invalid Request`.
    public var maxBodyBytes: Int
    /// `max_open_connections`: 0 is unlimited. Beyond it, new connections wait to be accepted
    /// (as Go's `LimitListener` makes them wait) rather than being refused.
    public var maxOpenConnections: Int
    /// `max_request_batch_size`: JSON-RPC batches longer than this are refused (0: no limit).
    public var maxBatch: Int
    /// `max_subscription_clients`: WebSocket connections holding at least one subscription.
    public var maxSubscriptionClients: Int
    /// `max_subscriptions_per_client`.
    public var maxSubscriptionsPerClient: Int
    /// Events queued for one WebSocket client before it is considered too slow and closed
    /// (CometBFT's `experimental_subscription_buffer_size`).
    public var subscriptionBufferSize: Int
    /// `timeout_broadcast_tx_commit`-style cap, in seconds, on any single backend call made for a
    /// request; a call that overruns answers `-32603` instead of holding the connection.
    public var queryTimeBudget: Double
    /// `unsafe`: serve `dial_seeds`, `dial_peers`, `unsafe_flush_mempool`.
    public var unsafe: Bool
    /// Seconds a new connection has to send its first request head before it is closed (CometBFT's
    /// server read timeout is 10 s): silent sockets cannot hold the connection limit.
    public var requestHeadTimeout: Double = 10
    /// Seconds a kept-alive connection may wait after a response before its next request begins
    /// (Go's server, under CometBFT, takes its idle timeout from the read timeout: 10 s). Idle
    /// keep-alive connections would otherwise hold `max_open_connections` for good.
    public var idleTimeout: Double = 10

    public init(host: String = "127.0.0.1", port: Int = 26657, maxBodyBytes: Int = 1_000_000,
                maxOpenConnections: Int = 900, maxBatch: Int = 10, maxSubscriptionClients: Int = 100,
                maxSubscriptionsPerClient: Int = 5, subscriptionBufferSize: Int = 200,
                queryTimeBudget: Double = 10, unsafe: Bool = false) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxOpenConnections = maxOpenConnections
        self.maxBatch = maxBatch
        self.maxSubscriptionClients = maxSubscriptionClients
        self.maxSubscriptionsPerClient = maxSubscriptionsPerClient
        self.subscriptionBufferSize = subscriptionBufferSize
        self.queryTimeBudget = queryTimeBudget
        self.unsafe = unsafe
    }
}
