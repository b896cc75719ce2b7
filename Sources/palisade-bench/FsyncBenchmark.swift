import Foundation

/// The fsync latency floor: a 200-byte append then `fdatasync`, as the consensus WAL, the
/// signer state and SQLite's commit each pay at least once per height. Taken in
/// `FSYNC_DIR` (default `run`), which should be on the disk the nodes' homes are on.
enum FsyncBenchmark {
    static let samples = 500

    static func run() {
        let directory = ProcessInfo.processInfo.environment["FSYNC_DIR"] ?? "run"
        let path = directory + "/fsync-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else {
            printError("palisade-bench fsync: cannot open \(path): \(String(cString: strerror(errno)))\n")
            exit(1)
        }
        defer { close(fd); unlink(path) }
        let record = [UInt8](repeating: UInt8(ascii: "x"), count: 200)
        var each: [UInt64] = []
        for _ in 0..<samples {
            let start = LoadClock.now()
            guard record.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == record.count, fdatasync(fd) == 0 else {
                printError("palisade-bench fsync: \(path): \(String(cString: strerror(errno)))\n")
                exit(1)
            }
            each.append(LoadClock.now() - start)
        }
        each.sort()
        let median = Double(each[each.count / 2]) / 1e3, p99 = Double(each[each.count * 99 / 100]) / 1e3
        print("fsync floor (\(directory)): 200 B append + fdatasync, median \(String(format: "%.0f", median)) µs, "
              + "p99 \(String(format: "%.0f", p99)) µs, load \(LoadReport.loadAverage())")
    }
}
