import Foundation

/// What `palisade-bench load` is asked to do. Parsed by hand: the other benchmarks take no
/// arguments, and the flags are few and flat.
struct LoadOptions {
    /// The nodes' RPC endpoints (`http://host:port`); connections are spread over them round-robin.
    var endpoints: [LoadEndpoint] = []
    /// Transactions per second over all connections; `nil` sends flat out.
    var rate: Int?
    /// Measure the chain only, send nothing: the empty-block rate.
    var idle = false
    var seconds = 60
    /// Figures are printed per `interval` seconds (the soak's per-minute lines); the whole run by default.
    var interval: Int?
    /// Load before the measured window starts, so the first figures are not the mempool filling up.
    var warmUp = 3
    var connections = 8
    /// Transactions per JSON-RPC batch request; the RPC's `max_batch` (10 by default) bounds it.
    var batch = 10
    var txSize = 250
    /// Validator processes whose resident set size each report line shows.
    var pids: [Int32] = []
    /// After the load, wait until every mempool is empty (at most this many seconds), so an
    /// idle measurement that follows sees no leftover transactions.
    var drainSeconds = 120

    static let usage = """
        usage: palisade-bench load --rpc URL[,URL...] [--rate N | --idle] [--seconds 60] [--interval S]
                                   [--warm-up 3] [--connections 8] [--batch 10] [--tx-size 250]
                                   [--pids P[,P...]] [--drain 120]

        """

    enum ParseError: Error, CustomStringConvertible {
        case missingValue(String), badValue(flag: String, value: String), unknown(String), noEndpoints

        var description: String {
            switch self {
            case .missingValue(let flag): "\(flag) needs a value"
            case .badValue(let flag, let value): "\(flag): cannot use \"\(value)\""
            case .unknown(let flag): "unknown argument \(flag)"
            case .noEndpoints: "--rpc is required"
            }
        }
    }

    init(arguments: [String]) throws(ParseError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--idle" { idle = true; continue }
            guard let value = rest.popFirst() else { throw .missingValue(flag) }
            func positive() throws(ParseError) -> Int {
                guard let n = Int(value), n > 0 else { throw .badValue(flag: flag, value: value) }
                return n
            }
            switch flag {
            case "--rpc":
                for url in value.split(separator: ",") {
                    guard let endpoint = LoadEndpoint(url: String(url)) else { throw .badValue(flag: flag, value: String(url)) }
                    endpoints.append(endpoint)
                }
            case "--rate":
                let n = Int(value) ?? -1
                guard n >= 0 else { throw .badValue(flag: flag, value: value) }
                rate = n == 0 ? nil : n
            case "--seconds": seconds = try positive()
            case "--interval": interval = try positive()
            case "--warm-up":
                guard let n = Int(value), n >= 0 else { throw .badValue(flag: flag, value: value) }
                warmUp = n
            case "--connections": connections = try positive()
            case "--batch": batch = try positive()
            case "--tx-size":
                // The key (`LoadTx.keyLength` bytes) and the `=` must fit.
                let n = try positive()
                guard n > LoadTx.keyLength else { throw .badValue(flag: flag, value: value) }
                txSize = n
            case "--pids":
                for pid in value.split(separator: ",") {
                    guard let p = Int32(pid), p > 0 else { throw .badValue(flag: flag, value: String(pid)) }
                    pids.append(p)
                }
            case "--drain":
                guard let n = Int(value), n >= 0 else { throw .badValue(flag: flag, value: value) }
                drainSeconds = n
            default: throw .unknown(flag)
            }
        }
        guard !endpoints.isEmpty else { throw .noEndpoints }
        if idle { warmUp = 0 }
    }
}

/// An RPC address the load generator dials: an IPv4 literal and a port (localnet and netns
/// addresses are both literals, so there is no resolver to wait on).
struct LoadEndpoint: Sendable, CustomStringConvertible {
    var host: String
    var port: UInt16

    init?(url: String) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let parts = rest.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), port > 0 else { return nil }
        var address = in_addr()
        guard inet_pton(AF_INET, String(parts[0]), &address) == 1 else { return nil }
        host = String(parts[0])
        self.port = port
    }

    var description: String { "http://\(host):\(port)" }
}
