/// The `[mempool]` section of CometBFT's `config.toml`, with its names and defaults, so an
/// operator's existing numbers mean the same thing here.
public struct MempoolConfig: Sendable, Hashable {
    /// `size`: the most transactions the mempool holds at once.
    public var size: Int
    /// `max_txs_bytes`: the most raw transaction bytes the mempool holds at once.
    public var maxTxsBytes: Int64
    /// `cache_size`: how many transaction hashes the seen-cache remembers; 0 turns the cache off.
    public var cacheSize: Int
    /// `max_tx_bytes`: the largest single transaction accepted, in raw bytes.
    public var maxTxBytes: Int
    /// `keep-invalid-txs-in-cache`: when true, a transaction the app rejected stays in the cache,
    /// so a peer re-sending it costs no second CheckTx (but it can never be accepted later).
    public var keepInvalidTxsInCache: Bool
    /// `recheck`: after each commit, run CheckTx(`.recheck`) on every transaction still waiting.
    public var recheck: Bool
    /// How long one CheckTx may take before the transaction is refused (`appFailed`) and, during
    /// a recheck, the recheck ends. Not a CometBFT key (CometBFT waits for ever): ten seconds is
    /// far above any real CheckTx and short enough that a hung app shows in the log, not as a
    /// node that silently stops taking transactions and heights.
    public var checkTxTimeout: Duration

    public init(size: Int = 5000, maxTxsBytes: Int64 = 1_073_741_824, cacheSize: Int = 10_000,
                maxTxBytes: Int = 1_048_576, keepInvalidTxsInCache: Bool = false, recheck: Bool = true,
                checkTxTimeout: Duration = .seconds(10)) {
        self.size = size
        self.maxTxsBytes = maxTxsBytes
        self.cacheSize = cacheSize
        self.maxTxBytes = maxTxBytes
        self.keepInvalidTxsInCache = keepInvalidTxsInCache
        self.recheck = recheck
        self.checkTxTimeout = checkTxTimeout
    }

    /// CometBFT's `DefaultMempoolConfig()` values.
    public static let `default` = MempoolConfig()
}
