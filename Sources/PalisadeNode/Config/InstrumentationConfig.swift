/// `[instrumentation]`: Prometheus metrics, with CometBFT's keys and defaults. Off by default, as in
/// CometBFT; the namespace stays `cometbft` so dashboards and alerts written for CometBFT work.
public struct InstrumentationConfig: Sendable, Hashable {
    /// `prometheus`: serve the metrics at `/metrics` on `prometheus_listen_addr`.
    public var prometheus: Bool = false
    /// `prometheus_listen_addr`: CometBFT's default `":26660"` means every interface.
    public var prometheusListenAddr = ListenAddress(host: "0.0.0.0", port: 26660)
    /// `max_open_connections`: simultaneous scrapes; 0 means no limit. Beyond it, new connections
    /// wait to be accepted (CometBFT's `LimitListener` makes them wait too).
    public var maxOpenConnections: Int = 3
    /// `namespace`: the first part of every metric name (`cometbft_consensus_height`).
    public var namespace: String = "cometbft"

    public init() {}

    /// Whether `text` can start a Prometheus metric name: `[a-zA-Z_][a-zA-Z0-9_]*` (colons are
    /// reserved for recording rules).
    public static func isValidNamespace(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}
