import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc

/// Real `palisade` processes on loopback, for end-to-end tests: a testnet written by
/// `palisade testnet` into a temporary folder, one process per validator with its log in a file.
/// Ports are drawn at random and checked free. `shutdown()` kills every process the harness
/// started; tests call it in a `defer`.
final class Localnet: @unchecked Sendable {
    let root: String
    let validators: Int
    let p2pBase: Int
    let rpcBase: Int
    static let portStep = 2
    private var processes: [Int: Process] = [:]
    private var restarts: [Int: Int] = [:]

    static var binary: String? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug"),
        ]
        for directory in candidates {
            let path = directory.appendingPathComponent("palisade").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// `prometheus`: every node serves `/metrics` on `prometheusPort(i)`, the port after its RPC
    /// port (checked free with the RPC range: `portStep` leaves it unused).
    init(validators: Int = 4, timeoutCommit: String = "100ms", prometheus: Bool = false,
         extraArguments: [String] = []) throws {
        guard let binary = Self.binary else { throw LocalnetError("the palisade binary is not next to the test bundle") }
        self.validators = validators
        root = NSTemporaryDirectory() + "palisade-e2e-" + UUID().uuidString
        (p2pBase, rpcBase) = try Self.freePortRange(count: validators * Self.portStep * 2)
        let result = try Self.runToEnd(binary, [
            "testnet", "--validators", "\(validators)", "--output", root, "--p2p-port", "\(p2pBase)",
            "--rpc-port", "\(rpcBase)", "--port-step", "\(Self.portStep)", "--timeout-commit", timeoutCommit,
        ] + (prometheus ? ["--prometheus-port", "\(rpcBase + 1)"] : []) + extraArguments)
        guard result.status == 0 else { throw LocalnetError("palisade testnet failed: \(result.output)") }
    }

    func home(_ index: Int) -> String { root + "/node\(index)" }
    func logPath(_ index: Int) -> String { root + "/node\(index).log" }
    func p2pPort(_ index: Int) -> Int { p2pBase + index * Self.portStep }
    func rpcPort(_ index: Int) -> Int { rpcBase + index * Self.portStep }
    func prometheusPort(_ index: Int) -> Int { rpcBase + 1 + index * Self.portStep }

    func start(_ index: Int) throws {
        processes[index] = try Self.spawn(["start", "--home", home(index)], log: logPath(index))
    }

    /// `palisade arguments…` in the background, its output appended to the file at `log`.
    static func spawn(_ arguments: [String], log path: String) throws -> Process {
        guard let binary else { throw LocalnetError("no palisade binary") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func startAll() throws {
        for index in 0..<validators { try start(index) }
    }

    /// SIGKILL: no clean-up runs, as in a power cut or an OOM kill.
    func kill9(_ index: Int) {
        guard let process = processes[index] else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        processes[index] = nil
    }

    /// SIGTERM, the operator's stop: the node finishes the event it is handling and exits. Waits
    /// up to `seconds` for that (then SIGKILL); the exit status, nil if it had to be killed.
    func terminate(_ index: Int, seconds: Double = 60) -> Int32? {
        guard let process = processes[index] else { return nil }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        guard !process.isRunning else {
            kill9(index)
            return nil
        }
        processes[index] = nil
        return process.terminationStatus
    }

    /// SIGKILL to every node the harness runs, all sent before any exit is waited for, so the
    /// nodes die within a few milliseconds of each other (a power cut of the whole network).
    func kill9All() {
        let running = processes
        for index in running.keys.sorted() { if let process = running[index] { kill(process.processIdentifier, SIGKILL) } }
        for index in running.keys.sorted() {
            running[index]?.waitUntilExit()
            processes[index] = nil
        }
    }

    /// SIGTERM to every node the harness runs, all at once; then each one's exit status, waited
    /// for up to `seconds` in all (nil: it had to be killed).
    func terminateAll(seconds: Double = 60) -> [Int: Int32?] {
        let running = processes
        for index in running.keys.sorted() { running[index]?.terminate() }
        let deadline = Date().addingTimeInterval(seconds)
        while running.values.contains(where: \.isRunning), Date() < deadline { usleep(20_000) }
        var statuses: [Int: Int32?] = [:]
        for index in running.keys.sorted() {
            guard let process = running[index] else { continue }
            if process.isRunning {
                kill9(index)
                statuses[index] = .some(nil)
            } else {
                processes[index] = nil
                statuses[index] = process.terminationStatus
            }
        }
        return statuses
    }

    func isRunning(_ index: Int) -> Bool { processes[index]?.isRunning ?? false }

    /// The exit status of a node that stopped by itself; nil while it runs or if it was not started.
    func exitStatus(_ index: Int) -> Int32? {
        guard let process = processes[index], !process.isRunning else { return nil }
        return process.terminationStatus
    }

    func shutdown(removeFiles: Bool = true) {
        for index in processes.keys.sorted() { kill9(index) }
        if removeFiles { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Heights and block hashes a node logged as committed ("committed block" lines).
    func committed(_ index: Int) -> [Int64: String] {
        guard let text = try? String(contentsOfFile: logPath(index), encoding: .utf8) else { return [:] }
        var blocks: [Int64: String] = [:]
        for line in text.split(separator: "\n") where line.contains("committed block") {
            guard let height = Self.field("height", in: line).flatMap({ Int64($0) }),
                  let hash = Self.field("hash", in: line) else { continue }
            blocks[height] = hash
        }
        return blocks
    }

    func height(_ index: Int) -> Int64 { committed(index).keys.max() ?? 0 }

    /// A URI GET on a node's RPC port; the `result` object, or nil on any failure.
    func rpc(_ index: Int, _ pathAndQuery: String) async -> [String: Any]? {
        guard let url = URL(string: "http://127.0.0.1:\(rpcPort(index))/\(pathAndQuery)"),
              let (data, _) = try? await URLSession.shared.data(from: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["result"] as? [String: Any]
    }

    /// The block hash a node reports over RPC for `height`.
    func rpcBlockHash(_ index: Int, height: Int64) async -> String? {
        let result = await rpc(index, "block?height=\(height)")
        return (result?["block_id"] as? [String: Any])?["hash"] as? String
    }

    func log(_ index: Int) -> String { (try? String(contentsOfFile: logPath(index), encoding: .utf8)) ?? "" }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    func wait(seconds: Double = 120, until condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    private static func field(_ name: String, in line: Substring) -> String? {
        guard let range = line.range(of: " \(name)=") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != " " })
    }

    static func runToEnd(_ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Two runs of `count` consecutive free ports (p2p and rpc), drawn at random.
    private static func freePortRange(count: Int) throws -> (Int, Int) {
        for _ in 0..<200 {
            // Below Linux's ephemeral range (32768 and up), so outgoing connections cannot take them.
            let base = Int.random(in: 20_000...32_000)
            if (base..<(base + 2 * count)).allSatisfy(isFree) { return (base, base + count) }
        }
        throw LocalnetError("no free port range found")
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

struct LocalnetError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
