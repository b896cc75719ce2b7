import Foundation

/// Follows the chain on one node by polling `/block?height=` for the next height, and turns
/// each block into what the report needs: when it was seen, its header time, its transaction
/// count and the submit-to-commit latency of each of our transactions in it. "Commit" is when
/// a client polling every `pollInterval` sees the block, as a user of `tx?hash=` would.
struct LoadWatcher {
    struct Height {
        var height: Int64
        var observed: UInt64
        /// The header's time in seconds since 1970 (the proposer's clock; all nodes share this machine's).
        var headerTime: Double
        var txs: Int
        var latencies: [UInt64]
    }

    enum Failure: Error, CustomStringConvertible {
        case rpc(String)

        var description: String {
            switch self { case .rpc(let why): why }
        }
    }

    static let pollInterval: UInt64 = 5_000_000

    private let http: LoadHTTPConnection
    private let run: UInt16
    private let log: LoadSubmitLog?
    private(set) var next: Int64

    init(endpoint: LoadEndpoint, run: UInt16, log: LoadSubmitLog?) throws {
        http = LoadHTTPConnection(endpoint)
        self.run = run
        self.log = log
        let status = try JSONDecoder().decode(StatusReply.self, from: Data(http.get("/status")))
        guard let latest = status.result?.syncInfo.latestBlockHeight.value else { throw Failure.rpc("/status: no latest_block_height") }
        next = latest + 1
    }

    /// The next height if it is committed, else `nil` after waiting `pollInterval`.
    mutating func poll() throws -> Height? {
        let reply = try JSONDecoder().decode(BlockReply.self, from: Data(http.get("/block?height=\(next)")))
        guard let block = reply.result?.block else {
            LoadClock.sleep(nanoseconds: Self.pollInterval)
            return nil
        }
        let observed = LoadClock.now()
        let txs = block.data.txs ?? []
        var latencies: [UInt64] = []
        if let log {
            var keys: [(connection: Int, sequence: Int)] = []
            for tx in txs {
                guard let bytes = Data(base64Encoded: tx), let key = LoadTx.parse(bytes, run: run) else { continue }
                keys.append(key)
            }
            latencies = log.submitTimes(keys).compactMap { $0.map { observed &- $0 } }
        }
        next += 1
        return Height(height: block.header.height.value ?? next - 1, observed: observed,
                      headerTime: Self.seconds(rfc3339: block.header.time) ?? 0, txs: txs.count, latencies: latencies)
    }

    /// Transactions waiting in `endpoint`'s mempool (`num_unconfirmed_txs`).
    static func unconfirmed(_ connection: LoadHTTPConnection) throws -> Int64 {
        let reply = try JSONDecoder().decode(UnconfirmedReply.self, from: Data(connection.get("/num_unconfirmed_txs")))
        guard let total = reply.result?.total.value else { throw Failure.rpc("/num_unconfirmed_txs: no total") }
        return total
    }

    /// `2026-12-08T00:52:56.123456789Z` in seconds; the fraction read by hand, as the
    /// formatter keeps milliseconds only.
    static func seconds(rfc3339 text: String) -> Double? {
        let (whole, fraction) = text.firstIndex(of: ".").map { (String(text[..<$0]) + "Z", text[$0...].dropLast()) }
            ?? (text, Substring(""))
        guard let date = ISO8601DateFormatter().date(from: whole) else { return nil }
        return date.timeIntervalSince1970 + (Double("0" + fraction) ?? 0)
    }
}

/// An int64 in CometBFT's JSON: a string, or a number from other servers.
struct LoadJSONInt: Decodable {
    let value: Int64?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) { value = Int64(text) } else { value = try? c.decode(Int64.self) }
    }
}

private struct StatusReply: Decodable {
    struct Result: Decodable {
        struct SyncInfo: Decodable {
            let latestBlockHeight: LoadJSONInt
            enum CodingKeys: String, CodingKey { case latestBlockHeight = "latest_block_height" }
        }
        let syncInfo: SyncInfo
        enum CodingKeys: String, CodingKey { case syncInfo = "sync_info" }
    }
    let result: Result?
}

private struct BlockReply: Decodable {
    struct Result: Decodable { let block: Block? }
    struct Block: Decodable {
        struct Header: Decodable { let height: LoadJSONInt; let time: String }
        struct Payload: Decodable { let txs: [String]? }
        let header: Header
        let data: Payload
    }
    let result: Result?
}

private struct UnconfirmedReply: Decodable {
    struct Result: Decodable { let total: LoadJSONInt }
    let result: Result?
}
