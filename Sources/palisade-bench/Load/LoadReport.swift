import Foundation

/// One report line: the figures of the heights seen in one window of the run.
struct LoadReport {
    var label: String
    var seconds: Double
    var heights: [LoadWatcher.Height]
    /// The header time of the height before the window's first, so the first gap counts too.
    var previousHeaderTime: Double?
    var submitted: (accepted: Int, refused: Int, failedRequests: Int)?
    var pids: [Int32]

    var line: String {
        let txs = heights.reduce(0) { $0 + $1.txs }
        var parts = ["\(label): \(format(Double(txs) / seconds)) tx/s committed"]
        if let submitted {
            parts[0] += " (\(format(Double(submitted.accepted) / seconds)) tx/s accepted, \(submitted.refused) refused, "
                + "\(submitted.failedRequests) failed requests)"
        }
        let latencies = heights.flatMap(\.latencies).sorted()
        if !latencies.isEmpty {
            parts.append("submit-to-commit p50 \(ms(percentile(latencies, 0.50))) p99 \(ms(percentile(latencies, 0.99))) "
                         + "(\(latencies.count) txs)")
        }
        parts.append(String(format: "%.1f heights/s", Double(heights.count) / seconds))
        var times = heights.map(\.headerTime)
        if let previousHeaderTime { times.insert(previousHeaderTime, at: 0) }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }.sorted()
        if !gaps.isEmpty { parts.append(String(format: "median height %.1f ms", gaps[gaps.count / 2] * 1000)) }
        if !pids.isEmpty { parts.append("RSS " + pids.map { Self.residentMiB($0) }.joined(separator: "/") + " MiB") }
        parts.append("load " + Self.loadAverage())
        return parts.joined(separator: ", ")
    }

    private func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    private func ms(_ nanoseconds: UInt64) -> String { String(format: "%.0f ms", Double(nanoseconds) / 1e6) }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }

    /// `VmRSS` of `pid` in MiB, `?` if it is gone.
    static func residentMiB(_ pid: Int32) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return "?" }
        return String(format: "%.0f", kib / 1024)
    }

    /// The 1, 5 and 15 minute load averages: the machine is shared, so every figure carries it.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
