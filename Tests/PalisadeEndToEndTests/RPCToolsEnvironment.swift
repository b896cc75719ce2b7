import Foundation
import Glibc

/// A Python virtual environment with the third-party RPC tools (schemathesis and typed-dydx's
/// CometBFT client, from PyPI, pinned with every dependency in
/// `Tests/Fixtures/python/rpc-tools-requirements.txt`). Built once under
/// `.build/python-rpc-tools-venv` and reused while the requirements file is unchanged. If it
/// cannot be built (no Python 3.10+, no venv module, PyPI unreachable) the tests fail with the
/// reason: speaking to these tools is part of the compatibility contract, never skipped.
enum RPCToolsEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    static let python = fixtures.appendingPathComponent("python")
    static let venv = packageRoot.appendingPathComponent(".build/python-rpc-tools-venv")
    static var interpreter: String { venv.appendingPathComponent("bin/python").path }
    static var schemathesis: String { venv.appendingPathComponent("bin/schemathesis").path }

    private static let ready = Task<Void, any Error> { try build() }

    /// Waits for the environment; every test shares one build.
    static func prepare() async throws { try await ready.value }

    private static func build() throws {
        let requirements = python.appendingPathComponent("rpc-tools-requirements.txt")
        let wanted = try String(contentsOf: requirements, encoding: .utf8)
        let marker = venv.appendingPathComponent("palisade-requirements.txt")
        if (try? String(contentsOf: marker, encoding: .utf8)) == wanted,
           FileManager.default.isExecutableFile(atPath: interpreter) {
            return
        }
        try? FileManager.default.removeItem(at: venv)
        let version = try ToolProcess.run("/usr/bin/env", ["python3", "-c", "import sys; print(sys.version_info >= (3, 10))"],
                                          timeout: 60)
        guard version.status == 0, version.stdout.hasPrefix("True") else {
            throw LocalnetError("the third-party RPC tool tests need python3 >= 3.10 on PATH: \(version.summary)")
        }
        let created = try ToolProcess.run("/usr/bin/env", ["python3", "-m", "venv", venv.path], timeout: 120)
        guard created.status == 0 else {
            throw LocalnetError("python3 -m venv failed (Debian: apt-get install python3-venv): \(created.summary)")
        }
        let installed = try ToolProcess.run(interpreter, ["-m", "pip", "install", "--disable-pip-version-check", "-q",
                                                          "-r", requirements.path], timeout: 900)
        guard installed.status == 0 else {
            throw LocalnetError("pip could not install schemathesis and typed-dydx from PyPI (\(requirements.path)); "
                                + "these tests need PyPI: \(installed.summary)")
        }
        try wanted.write(to: marker, atomically: true, encoding: .utf8)
    }
}

/// A child process run to completion with both pipes drained, killed if it outlives `timeout`
/// (a bound on a hung tool, not a performance assertion: the result then says it was killed).
struct ToolProcess {
    var status: Int32
    var stdout: String
    var stderr: String
    var killedAfterTimeout: Bool

    var summary: String {
        (killedAfterTimeout ? "killed after its time limit; " : "") + "exit \(status)\n\(stderr.suffix(4_000))\n\(stdout.suffix(6_000))"
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    currentDirectory: URL? = nil, timeout: Double) throws -> ToolProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let killed = Flag()
        let watchdog = DispatchWorkItem {
            killed.set()
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) { if process.isRunning { kill(pid, SIGKILL) } }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        watchdog.cancel()
        group.wait()
        return ToolProcess(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                           stderr: String(decoding: errData, as: UTF8.self), killedAfterTimeout: killed.value)
    }
}

/// A one-way boolean shared with the watchdog.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func set() { lock.withLock { raised = true } }
    var value: Bool { lock.withLock { raised } }
}
