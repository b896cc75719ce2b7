import Foundation

/// `palisade-bench load`: drives a running network from outside and reports what a user sees.
/// Submitting threads (one per connection, spread over the RPCs) send unique `key=value`
/// transactions with `broadcast_tx_async`; this thread follows the chain on the first RPC and
/// prints the figures per interval. After the load it waits for the mempools to drain.
enum LoadRun {
    static func main(_ arguments: [String]) -> Int32 {
        let options: LoadOptions
        do {
            options = try LoadOptions(arguments: arguments)
        } catch {
            printError("palisade-bench load: \(error)\n" + LoadOptions.usage)
            return 2
        }
        do {
            try run(options)
            return 0
        } catch {
            printError("palisade-bench load: \(error)\n")
            return 1
        }
    }

    private static func run(_ options: LoadOptions) throws {
        let run = UInt16.random(in: 0...UInt16.max)
        let log = options.idle ? nil : LoadSubmitLog(connections: options.connections)
        var watcher = try LoadWatcher(endpoint: options.endpoints[0], run: run, log: log)
        let stop = LoadStopFlag()
        let done = DispatchGroup()
        if let log {
            let period = options.rate.map { UInt64(1e9 * Double(options.connections * options.batch) / Double($0)) } ?? 0
            for connection in 0..<options.connections {
                let submitter = LoadSubmitter(connection: connection,
                                              endpoint: options.endpoints[connection % options.endpoints.count],
                                              run: run, batch: options.batch, txSize: options.txSize,
                                              period: period, log: log, stop: stop)
                done.enter()
                Thread { submitter.loop(); done.leave() }.start()
            }
        }
        defer {
            stop.set()
            done.wait()
        }
        let what = options.idle ? "idle" : options.rate.map { "\($0) tx/s offered" } ?? "flat out"
        print("load: \(what), \(options.connections) connections, batches of \(options.batch), "
              + "\(options.txSize)-byte txs, over \(options.endpoints.count) RPCs; "
              + "\(options.warmUp) s warm-up, then \(options.seconds) s measured")

        // The warm-up: heights seen now are not reported, but the watcher keeps up.
        var lastHeader: Double?
        let warmUpEnd = LoadClock.now() + UInt64(options.warmUp) * 1_000_000_000
        while LoadClock.now() < warmUpEnd {
            if let h = try watcher.poll() { lastHeader = h.headerTime }
        }

        let interval = UInt64(options.interval ?? options.seconds) * 1_000_000_000
        let start = LoadClock.now(), end = start + UInt64(options.seconds) * 1_000_000_000
        var windowStart = start, window: [LoadWatcher.Height] = [], index = 1
        var countsBefore = log?.counts ?? (0, 0, 0)
        while windowStart < end {
            let windowEnd = min(end, windowStart + interval)
            while LoadClock.now() < windowEnd {
                if let h = try watcher.poll() { window.append(h) }
            }
            let counts = log?.counts ?? (0, 0, 0)
            let seconds = Double(windowEnd - windowStart) / 1e9
            let label = interval >= end - start ? "window \(options.seconds) s"
                : "minute-window \(index) (\(Int(seconds)) s)"
            let report = LoadReport(label: label, seconds: seconds, heights: window, previousHeaderTime: lastHeader,
                                    submitted: log == nil ? nil : (counts.0 - countsBefore.0, counts.1 - countsBefore.1,
                                                                   counts.2 - countsBefore.2),
                                    pids: options.pids)
            print(report.line)
            fflush(nil)  // each line as it comes, also when piped into tee
            lastHeader = window.last?.headerTime ?? lastHeader
            window = []
            countsBefore = counts
            windowStart = windowEnd
            index += 1
        }
        stop.set()
        if log != nil { try drain(options) }
    }

    /// Waits until no mempool holds a transaction, so what is measured next starts empty.
    private static func drain(_ options: LoadOptions) throws {
        let connections = options.endpoints.map(LoadHTTPConnection.init)
        let start = LoadClock.now(), limit = start + UInt64(options.drainSeconds) * 1_000_000_000
        var left: [Int64] = []
        repeat {
            left = try connections.map { try LoadWatcher.unconfirmed($0) }
            if left.allSatisfy({ $0 == 0 }) {
                print(String(format: "drained: mempools empty %.1f s after the load", Double(LoadClock.now() - start) / 1e9))
                return
            }
            LoadClock.sleep(nanoseconds: 100_000_000)
        } while LoadClock.now() < limit
        print("drain: still \(left.map(String.init).joined(separator: "/")) txs in the mempools after \(options.drainSeconds) s")
    }
}
