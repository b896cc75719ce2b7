import PalisadeCrypto

/// `[statesync]`: joining a chain from a snapshot instead of replaying every block (CometBFT's
/// `StateSyncConfig`, same keys and defaults). The snapshot comes from peers; what it must restore
/// to is checked against headers the light client verifies from `rpc_servers`, starting from the
/// operator's `trust_height` and `trust_hash`. Durations are whole milliseconds.
public struct StateSyncConfig: Sendable, Hashable {
    /// `enable`: state sync a fresh home (no blocks, app at height 0); ignored otherwise.
    public var enable: Bool = false
    /// `rpc_servers`: at least two RPC servers (comma-separated in the file), a primary and a
    /// witness for the light client.
    public var rpcServers: [String] = []
    /// `trust_height`: a height whose header hash the operator trusts.
    public var trustHeight: Int64 = 0
    /// `trust_hash`: that header's hash, hex.
    public var trustHash: String = ""
    /// `trust_period`: how long a verified header stays trusted (168h0m0s: one week).
    public var trustPeriod: Int64 = 168 * 3_600_000
    /// `discovery_time`: how long to collect snapshot advertisements before choosing one.
    public var discoveryTime: Int64 = 15_000
    /// `temp_dir`: where chunks may be spooled; empty is the system's temporary directory. The
    /// syncer keeps fetched chunks in memory instead, within a window of chunks past the next one
    /// to apply (`StateSyncer.Options.window`), so it writes nothing there today.
    public var tempDir: String = ""
    /// `chunk_request_timeout`: how long a peer may take with a chunk before another is asked.
    public var chunkRequestTimeout: Int64 = 10_000
    /// `chunk_fetchers`: chunk requests in flight at once.
    public var chunkFetchers: Int = 4

    public init() {}
}

extension StateSyncConfig {
    /// The first key that breaks CometBFT's rules (`StateSyncConfig.ValidateBasic`), with why;
    /// nil when the section is usable. Only an enabled section is checked, as in CometBFT.
    var problem: (key: String, reason: String)? {
        guard enable else { return nil }
        if rpcServers.count < 2 {
            return ("rpc_servers", "state sync needs at least two RPC servers (a primary and a witness), got \(rpcServers.count)")
        }
        if discoveryTime != 0 && discoveryTime < 5_000 {
            return ("discovery_time", "must be 0 or at least 5s, got \(GoDuration.format(milliseconds: discoveryTime))")
        }
        if trustPeriod <= 0 { return ("trust_period", "must be above 0") }
        if trustHeight <= 0 { return ("trust_height", "must be above 0, got \(trustHeight)") }
        if trustHash.isEmpty || Bytes(hex: trustHash) == nil {
            return ("trust_hash", "must be the trusted header's hash in hex, got \"\(trustHash)\"")
        }
        if chunkRequestTimeout < 5_000 {
            return ("chunk_request_timeout", "must be at least 5s, got \(GoDuration.format(milliseconds: chunkRequestTimeout))")
        }
        return nil
    }
}
