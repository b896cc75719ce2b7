import Foundation
import Glibc

/// The third-party ABCI library (pyABCI from PyPI, pinned in `Tests/Fixtures/python/requirements.txt`)
/// in a virtual environment of its own under `.build/`, built once and reused while the
/// requirements are unchanged. The socket tests keep another one: both suites may build at the
/// same time in one test process, and two pip runs must not share a directory. When it cannot be
/// built (no Python 3.10+, no venv module, PyPI unreachable) the tests fail with the reason.
enum PythonVenv {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/python")
    static let venv = packageRoot.appendingPathComponent(".build/python-abci-venv-e2e")
    static var python: String { venv.appendingPathComponent("bin/python").path }

    private static let ready = Task<Void, any Error> { try build() }

    /// Waits for the environment; every test shares one build.
    static func prepare() async throws { try await ready.value }

    private static func build() throws {
        let requirements = fixtures.appendingPathComponent("requirements.txt")
        let wanted = try String(contentsOf: requirements, encoding: .utf8)
        let marker = venv.appendingPathComponent("palisade-requirements.txt")
        if (try? String(contentsOf: marker, encoding: .utf8)) == wanted, FileManager.default.isExecutableFile(atPath: python) {
            return
        }
        try? FileManager.default.removeItem(at: venv)
        let version = try Localnet.runToEnd("/usr/bin/env", ["python3", "-c", "import sys; print(sys.version_info >= (3, 10))"])
        guard version.status == 0, version.output.hasPrefix("True") else {
            throw LocalnetError("the pyABCI localnet test needs python3 >= 3.10 on PATH: \(version.output)")
        }
        let created = try Localnet.runToEnd("/usr/bin/env", ["python3", "-m", "venv", venv.path])
        guard created.status == 0 else {
            throw LocalnetError("python3 -m venv failed (Debian: apt-get install python3-venv): \(created.output)")
        }
        let installed = try Localnet.runToEnd(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q",
                                                       "-r", requirements.path])
        guard installed.status == 0 else {
            throw LocalnetError("pip could not install pyABCI from PyPI (\(requirements.path)): \(installed.output.suffix(2_000))")
        }
        try wanted.write(to: marker, atomically: true, encoding: .utf8)
    }
}

/// One pyABCI kvstore process per validator (`Tests/Fixtures/python/kvstore_app.py`), app i on
/// `basePort + i * Localnet.portStep`, as `palisade testnet --proxy-app tcp://…:basePort` expects.
/// The apps keep their state in memory only, so a restarted app is back at height 0. Each one's
/// output goes to `app<i>.log` in `directory`. `shutdown()` kills them all; tests call it in a `defer`.
final class PythonApps: @unchecked Sendable {
    let count: Int
    let basePort: Int
    let directory: String
    private var processes: [Int: Process] = [:]
    private var launches: [Int: Int] = [:]

    /// Starts `count` apps on free ports below the ephemeral range, before the localnet draws
    /// its own ports (which then cannot collide with these, since they are bound).
    init(count: Int) async throws {
        self.count = count
        directory = NSTemporaryDirectory() + "palisade-e2e-apps-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        basePort = try Self.freePorts(count: count * Localnet.portStep)
        do {
            for index in 0..<count { try await start(index) }
        } catch {
            shutdown()
            throw error
        }
    }

    func port(_ index: Int) -> Int { basePort + index * Localnet.portStep }
    var proxyAppArgument: String { "tcp://127.0.0.1:\(basePort)" }
    func logPath(_ index: Int) -> String { directory + "/app\(index).log" }
    func log(_ index: Int) -> String { (try? String(contentsOfFile: logPath(index), encoding: .utf8)) ?? "" }

    /// Launches app `index` and waits until it accepts connections.
    func start(_ index: Int) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonVenv.python)
        process.arguments = [PythonVenv.fixtures.appendingPathComponent("kvstore_app.py").path, "\(port(index))"]
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
        // The app prints its port once it listens, one line per launch.
        let launch = (launches[index] ?? 0) + 1
        launches[index] = launch
        let listening = { [self] in
            self.log(index).split(separator: "\n").filter { $0 == "\(self.port(index))" }.count >= launch
        }
        let deadline = Date().addingTimeInterval(60)
        while !listening() {
            guard process.isRunning, Date() < deadline else {
                throw LocalnetError("pyABCI app \(index) did not start on port \(port(index)): \(self.log(index).suffix(2_000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGKILL: the app vanishes mid-run, its sockets reset by the kernel.
    func kill9(_ index: Int) {
        guard let process = processes[index] else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        processes[index] = nil
    }

    func shutdown() {
        for index in processes.keys.sorted() { kill9(index) }
        try? FileManager.default.removeItem(atPath: directory)
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
