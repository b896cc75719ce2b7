/// How many snapshot bytes each peer may make this node read per second (a token bucket per
/// peer, as a value with no I/O; time is an input in milliseconds). Serving a chunk costs a disk
/// read of up to a chunk; without a bound one peer asking for chunk after chunk could keep the
/// app's store busy for every other caller. CometBFT has no such bound; its peers are limited only
/// by the connection's send rate.
struct ServeBudget {
    /// 16 MiB a second per peer: a node restoring from four peers still gets 64 MiB/s.
    static let defaultRate = 16 << 20
    /// What a peer may use at once after a quiet spell: a few full chunks.
    static let defaultBurst = 32 << 20
    /// What answering `SnapshotsRequest` is charged: it lists the app's snapshots, and a peer
    /// asking it in a loop must be bounded too.
    static let listingCost = 256 << 10

    let rate: Int
    let burst: Int
    private var buckets: [String: (tokens: Int, at: Int64)] = [:]

    init(rate: Int = defaultRate, burst: Int = defaultBurst) {
        self.rate = rate
        self.burst = burst
    }

    /// Whether `peer` may be served now. The cost of a chunk is known only once it is read, so it
    /// is charged afterwards (`charge`): a peer goes into debt by at most one chunk and is then
    /// refused until the debt is paid off at `rate`.
    mutating func allows(_ peer: String, now: Int64) -> Bool {
        refill(peer, now: now)
        return (buckets[peer]?.tokens ?? burst) > 0
    }

    mutating func charge(_ peer: String, bytes: Int, now: Int64) {
        refill(peer, now: now)
        buckets[peer, default: (burst, now)].tokens -= bytes
    }

    /// The peer is gone: its bucket is forgotten (a new connection starts with a full one, which
    /// a reconnecting peer could exploit only at the price of a handshake per burst).
    mutating func forget(_ peer: String) {
        buckets[peer] = nil
    }

    private mutating func refill(_ peer: String, now: Int64) {
        guard let bucket = buckets[peer] else { return }
        let elapsed = max(0, now - bucket.at)
        let earned = Int(min(Int64(burst), elapsed * Int64(rate) / 1_000))
        buckets[peer] = (min(burst, bucket.tokens + earned), now)
    }
}
