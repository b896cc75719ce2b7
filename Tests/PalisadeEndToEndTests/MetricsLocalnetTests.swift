import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing

/// `[instrumentation] prometheus = true` on real processes: `/metrics` over HTTP, against `/status`
/// and against the Grafana dashboard we ship.
@Suite("Localnet: Prometheus metrics", .serialized)
struct MetricsLocalnetTests {
    /// Every metric issue #15 names, CometBFT v0.38's, under the default namespace. Histograms
    /// are checked by their `_bucket` series.
    static let names = [
        "consensus_height", "consensus_latest_block_height", "consensus_validators", "consensus_validators_power",
        "consensus_missing_validators", "consensus_missing_validators_power", "consensus_byzantine_validators",
        "consensus_byzantine_validators_power", "consensus_rounds", "consensus_block_interval_seconds_bucket",
        "consensus_num_txs", "consensus_total_txs", "consensus_block_size_bytes",
        "consensus_step_duration_seconds_bucket", "consensus_validator_last_signed_height",
        "consensus_validator_missed_blocks", "consensus_validator_power", "p2p_peers",
        "p2p_message_send_bytes_total", "p2p_message_receive_bytes_total", "mempool_size", "mempool_size_bytes",
        "mempool_tx_size_bytes_bucket", "mempool_failed_txs", "mempool_recheck_times",
        "state_block_processing_time_bucket", "blocksync_syncing",
    ].map { "cometbft_" + $0 }

    /// One scrape: each sample's series (name and labels) and its value.
    struct Scrape {
        var samples: [(series: String, value: Double)] = []

        init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                samples.append((String(line[..<space]), value))
            }
        }

        var names: Set<String> { Set(samples.map { String($0.series.prefix { $0 != "{" }) }) }

        func value(_ name: String) -> Double? {
            samples.first { $0.series.hasPrefix(name + "{") }?.value
        }

        func series(_ name: String) -> [String] {
            samples.map(\.series).filter { $0.hasPrefix(name + "{") }
        }
    }

    static func scrape(_ net: Localnet, _ index: Int) async throws -> Scrape {
        guard let url = URL(string: "http://127.0.0.1:\(net.prometheusPort(index))/metrics") else { throw LocalnetError("url") }
        let (data, response) = try await URLSession.shared.data(from: url)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw LocalnetError("/metrics: HTTP \(status)") }
        return Scrape(String(decoding: data, as: UTF8.self))
    }

    /// The metric names the dashboard's queries use: every `cometbft_…` token in the file (the
    /// panels' `expr` and the chain_id variable's query).
    static func dashboardNames() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("docs/grafana/palisade.json"))
        guard let dashboard = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let panels = dashboard["panels"] as? [[String: Any]] else { throw LocalnetError("dashboard: no panels") }
        var expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        expressions += variables.compactMap { $0["definition"] as? String }
        var names: Set<String> = []
        for expression in expressions {
            var rest = Substring(expression)
            while let start = rest.range(of: "cometbft_") {
                let token = rest[start.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                names.insert(String(token))
                rest = rest[token.endIndex...]
            }
        }
        return names
    }

    @Test("4 validators with prometheus on: every CometBFT name with chain_id, height = /status + 1, latest = /status, 3 peers, the dashboard's queries all answered")
    func metricsMatchStatus() async throws {
        let net = try Localnet(timeoutCommit: "300ms", prometheus: true)
        defer { net.shutdown() }
        try net.startAll()
        #expect(await net.wait(seconds: 120) { (0..<4).allSatisfy { net.height($0) >= 3 } }, "heights")
        let chainID = try #require(await net.rpc(0, "status")?["node_info"] as? [String: Any])["network"] as? String
        for index in 0..<4 {
            let scrape = try await Self.scrape(net, index)
            for name in Self.names {
                let series = scrape.series(name)
                #expect(!series.isEmpty, "node\(index): no \(name)")
                #expect(series.allSatisfy { $0.contains("chain_id=\"\(chainID ?? "?")\"") }, "node\(index): \(series)")
            }
            // Peers connect within a few heartbeats; read until all three are in.
            var peers = scrape.value("cometbft_p2p_peers")
            for _ in 0..<100 where peers != 3 {
                try await Task.sleep(for: .milliseconds(100))
                peers = try await Self.scrape(net, index).value("cometbft_p2p_peers")
            }
            #expect(peers == 3, "node\(index): cometbft_p2p_peers \(String(describing: peers))")
        }
        // CometBFT's `height` is the height being decided, `latest_block_height` the last stored:
        // compared on a snapshot where the chain did not move between the two scrapes.
        var compared = false
        for _ in 0..<200 where !compared {
            let before = try await Self.scrape(net, 0)
            guard let status = await net.statusHeight(0) else { continue }
            let after = try await Self.scrape(net, 0)
            guard let latest = before.value("cometbft_consensus_latest_block_height"),
                  latest == after.value("cometbft_consensus_latest_block_height"), Int64(latest) == status else { continue }
            #expect(before.value("cometbft_consensus_height") == Double(status + 1))
            #expect(after.value("cometbft_consensus_height") == Double(status + 1))
            compared = true
        }
        #expect(compared, "no stable snapshot of /metrics and /status")
        let scrape = try await Self.scrape(net, 0)
        #expect(scrape.value("cometbft_consensus_validators") == 4)
        #expect(scrape.value("cometbft_consensus_validators_power") == 40)
        #expect(scrape.value("cometbft_blocksync_syncing") == 0)
        #expect((scrape.value("cometbft_consensus_validator_last_signed_height") ?? 0) >= 2)
        #expect((scrape.value("cometbft_state_block_processing_time_count") ?? 0) >= 3)
        let dashboard = try Self.dashboardNames()
        #expect(dashboard.count >= 10, "\(dashboard)")
        let missing = dashboard.subtracting(scrape.names)
        #expect(missing.isEmpty, "the dashboard queries metrics the node does not export: \(missing.sorted())")
    }

    @Test("a prometheus_listen_addr that cannot be bound: exit non-zero, the address and key named")
    func bindFailure() throws {
        let net = try Localnet(validators: 1, prometheus: true)
        defer { net.shutdown() }
        guard let binary = Localnet.binary else { throw LocalnetError("no binary") }
        let port = net.prometheusPort(0)
        let occupied = try ListeningSocket(port: port)
        defer { occupied.close() }
        let result = try Localnet.runToEnd(binary, ["start", "--home", net.home(0)])
        #expect(result.status != 0)
        #expect(result.output.contains("127.0.0.1:\(port)") && result.output.contains("instrumentation.prometheus_listen_addr"),
                "\(result.output)")
    }
}
