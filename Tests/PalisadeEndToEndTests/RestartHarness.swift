import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Synchronization
import Testing

/// SplitMix64: a small seeded generator, so a failing restart schedule can be run again with
/// `RESTART_SEED`.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Knobs of the restart tests, read from the environment so `Scripts/restart-loop` can run the
/// full sizes through the same tests.
enum RestartEnvironment {
    static func integer(_ name: String, default value: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], let parsed = Int(text), parsed > 0 else { return value }
        return parsed
    }

    /// `RESTART_SEED` if set (decimal), else a fresh random seed; the tests print it.
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["RESTART_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }

    /// Where logs of failed runs are kept (the temporary localnet is removed at the end).
    static let keptLogs = ProcessInfo.processInfo.environment["RESTART_KEEP_LOGS_DIR"] ?? "/tmp/palisade-restart-logs"
}

/// Reads the nodes' logs incrementally (they grow to megabytes over twenty restarts, so reading
/// them whole every 100 ms would not do): committed heights and hashes, and how many times each
/// node logged a marker line.
final class LogWatch {
    let net: Localnet
    private var offsets: [Int: UInt64] = [:]
    private var partial: [Int: String] = [:]
    private(set) var committed: [Int: [Int64: String]] = [:]
    private(set) var markers: [Int: [String: Int]] = [:]
    let watched: [String]

    init(net: Localnet, markers watched: [String] = ["node started", "node halted", "equivocation"]) {
        self.net = net
        self.watched = watched
    }

    /// Reads what each node logged since the last call.
    func poll() {
        for index in 0..<net.validators {
            guard let handle = FileHandle(forReadingAtPath: net.logPath(index)) else { continue }
            defer { try? handle.close() }
            let offset = offsets[index] ?? 0
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { continue }
            offsets[index] = offset + UInt64(data.count)
            var text = (partial[index] ?? "") + String(decoding: data, as: UTF8.self)
            if let lastNewline = text.lastIndex(of: "\n") {
                partial[index] = String(text[text.index(after: lastNewline)...])
                text = String(text[..<lastNewline])
            } else {
                partial[index] = text
                continue
            }
            for line in text.split(separator: "\n") {
                for marker in watched where line.contains(marker) { markers[index, default: [:]][marker, default: 0] += 1 }
                guard line.contains("committed block"),
                      let height = Self.field("height", in: line).flatMap({ Int64($0) }),
                      let hash = Self.field("hash", in: line) else { continue }
                committed[index, default: [:]][height] = hash
            }
        }
    }

    func height(_ index: Int) -> Int64 { committed[index]?.keys.max() ?? 0 }
    var heights: [Int64] { (0..<net.validators).map(height) }
    func count(_ index: Int, _ marker: String) -> Int { markers[index]?[marker] ?? 0 }

    /// Polls every `interval` until `condition` holds or `seconds` pass.
    func wait(seconds: Double, interval: Duration = .milliseconds(100), until condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            poll()
            if condition() { return true }
            try? await Task.sleep(for: interval)
        }
        poll()
        return condition()
    }

    private static func field(_ name: String, in line: Substring) -> String? {
        guard let range = line.range(of: " \(name)=") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != " " })
    }
}

/// A steady load of kvstore transactions through the nodes' RPC (`broadcast_tx_sync` and
/// `broadcast_tx_async` in turn, node after node) until stopped. Requests to a node that is
/// down fail fast (connection refused) and are only counted.
///
/// It runs on a thread of its own over plain loopback sockets, not URLSession: on Linux,
/// FoundationNetworking crashed the whole test process ("Trying to access a behaviour for a task
/// that in not in the registry") during a load of requests to nodes that were being killed.
final class TxLoad: Sendable {
    private struct State {
        var stop = false
        var running = false
        var sent = 0
        var accepted = 0
    }

    private let state = Mutex(State())

    var sent: Int { state.withLock { $0.sent } }
    var accepted: Int { state.withLock { $0.accepted } }

    func start(ports: [Int], tag: String) {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            var n = 0
            while !state.withLock({ $0.stop }) {
                let port = ports[n % ports.count]
                let method = n % 2 == 0 ? "broadcast_tx_sync" : "broadcast_tx_async"
                let ok = Self.send(port: port, path: "/\(method)?tx=%22\(tag)\(n)=v\(n)%22")
                state.withLock {
                    $0.sent += 1
                    if ok { $0.accepted += 1 }
                }
                n += 1
                usleep(15_000)
            }
            state.withLock { $0.running = false }
        }
        thread.start()
    }

    /// Asks the thread to stop and waits until its last request is over (at most 5 s).
    func stop() async {
        state.withLock { $0.stop = true }
        while state.withLock({ $0.running }) { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// One GET with `Connection: close`; true when the JSON-RPC result has code 0.
    private static func send(port: Int, path: String) -> Bool {
        do {
            let socket = try LoopbackSocket(port: port, timeout: 5)
            defer { socket.close() }
            try socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8))
            let answer = try socket.receiveAll()
            let separator: [UInt8] = [13, 10, 13, 10]
            guard let head = (0..<max(0, answer.count - 3)).first(where: { Array(answer[$0..<($0 + 4)]) == separator }),
                  let object = try? JSONSerialization.jsonObject(with: Data(answer[(head + 4)...])) as? [String: Any],
                  let result = object["result"] as? [String: Any] else { return false }
            return (result["code"] as? Int) == 0
        } catch {
            return false
        }
    }
}

extension Localnet {
    /// Keeps the localnet's folder (logs, data directories, WALs) under
    /// `RestartEnvironment.keptLogs` before `shutdown()` removes it; the path, printed.
    @discardableResult
    func keepFiles(as name: String) -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        let target = RestartEnvironment.keptLogs + "/\(name)-\(stamp)-\(UUID().uuidString.prefix(6))"
        do {
            try FileManager.default.createDirectory(atPath: RestartEnvironment.keptLogs, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: root, toPath: target)
            print("[\(name)] kept the localnet's files in \(target)")
        } catch {
            print("[\(name)] could not keep \(root) in \(target): \(error)")
        }
        return target
    }

    /// Every node's block hash at `heights` over RPC (`/block`); the heights where the nodes do
    /// not all report one and the same hash, with what each reported.
    func disagreements(at heights: [Int64]) async -> [(Int64, [String?])] {
        var bad: [(Int64, [String?])] = []
        for height in heights {
            var hashes: [String?] = []
            for index in 0..<validators { hashes.append(await rpcBlockHash(index, height: height)) }
            if hashes[0] == nil || !hashes.allSatisfy({ $0 == hashes[0] }) { bad.append((height, hashes)) }
        }
        return bad
    }

    /// Heights 1...top, or a sample (the first 20, the last 50 and every tenth) when long.
    static func sample(upTo top: Int64) -> [Int64] {
        guard top > 200 else { return top >= 1 ? Array(1...top) : [] }
        return (1...top).filter { $0 <= 20 || $0 > top - 50 || $0 % 10 == 0 }
    }

    /// The last `count` lines of node `index`'s log that contain any of `needles`.
    func logLines(_ index: Int, containing needles: [String], last count: Int = 8) -> String {
        log(index).split(separator: "\n").filter { line in needles.contains { line.contains($0) } }
            .suffix(count).joined(separator: "\n")
    }
}

/// A failure recorder that also remembers that something failed, so a test can keep the
/// localnet's files for whoever reads the report.
final class Checks {
    private(set) var failed = false

    func expect(_ condition: Bool, _ message: @autoclosure () -> String,
                sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        failed = true
        Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation)
    }

    /// `expect`, then stops the test (by throwing) when the condition does not hold.
    func require(_ condition: Bool, _ message: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        expect(condition, message(), sourceLocation: sourceLocation)
        if !condition { throw LocalnetError("stopped: a required condition failed (see the issue above)") }
    }

    /// Call at the very end of a test; a test that threw before it counts as failed.
    func finish() { finished = true }
    private(set) var finished = false
    var keepFiles: Bool { failed || !finished }
}

/// The bundled kvstore served over ABCI sockets by `palisade app kvstore`, one process per
/// validator on `basePort + i * Localnet.portStep` (what `palisade testnet --proxy-app
/// tcp://127.0.0.1:basePort` expects), each with its SQLite file in `directory`, so a restarted
/// app resumes its state (unless started with `persistent: false`, which keeps it in memory).
/// `--fail-finalize-at-height` and `--wrong-app-hash-at-height` inject FinalizeBlock faults.
final class SocketKVStoreApps: @unchecked Sendable {
    let count: Int
    let basePort: Int
    let directory: String
    private var processes: [Int: Process] = [:]

    /// Allocates the ports (bound by the apps before the localnet draws its own).
    init(count: Int) throws {
        self.count = count
        directory = NSTemporaryDirectory() + "palisade-e2e-kvapps-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        basePort = try Self.freePorts(count: count * Localnet.portStep)
    }

    func port(_ index: Int) -> Int { basePort + index * Localnet.portStep }
    var proxyAppArgument: String { "tcp://127.0.0.1:\(basePort)" }
    func logPath(_ index: Int) -> String { directory + "/app\(index).log" }
    func databasePath(_ index: Int) -> String { directory + "/app\(index).db" }
    func log(_ index: Int) -> String { (try? String(contentsOfFile: logPath(index), encoding: .utf8)) ?? "" }

    /// Launches app `index` and waits until it accepts connections.
    func start(_ index: Int, failFinalizeAtHeight: Int64? = nil, wrongAppHashAtHeight: Int64? = nil,
               persistent: Bool = true) async throws {
        guard let binary = Localnet.binary else { throw LocalnetError("no palisade binary") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = ["app", "kvstore", "--laddr", "tcp://127.0.0.1:\(port(index))"]
        if persistent { arguments += ["--db", databasePath(index)] }
        if let failFinalizeAtHeight { arguments += ["--fail-finalize-at-height", "\(failFinalizeAtHeight)"] }
        if let wrongAppHashAtHeight { arguments += ["--wrong-app-hash-at-height", "\(wrongAppHashAtHeight)"] }
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: logPath(index)) {
            _ = FileManager.default.createFile(atPath: logPath(index), contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(index)))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes[index] = process
        let deadline = Date().addingTimeInterval(60)
        while !Self.accepts(port: port(index)) {
            guard process.isRunning, Date() < deadline else {
                throw LocalnetError("kvstore app \(index) did not listen on \(port(index)): \(self.log(index).suffix(2_000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGTERM (the app closes its sockets and exits), SIGKILL after 30 s.
    func stop(_ index: Int) {
        guard let process = processes[index] else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        processes[index] = nil
    }

    func shutdown(removeFiles: Bool = true) {
        for index in processes.keys.sorted() {
            if let process = processes[index] {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            processes[index] = nil
        }
        if removeFiles { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// A TCP connect to the port succeeds.
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func freePorts(count: Int) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20_000...32_000)
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw LocalnetError("no free port range for the apps")
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
