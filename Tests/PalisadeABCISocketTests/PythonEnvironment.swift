import Foundation

/// A Python virtual environment with the third-party ABCI library the interop tests run against
/// (pyABCI from PyPI, pinned in `Tests/Fixtures/python/requirements.txt`). Built once under
/// `.build/python-abci-venv` and reused while the requirements file is unchanged. If it cannot be
/// built (no Python 3.10+, no venv module, PyPI unreachable) the tests fail with the reason: the
/// interop check is part of the compatibility contract, never skipped.
enum PythonEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/python")
    static let venv = packageRoot.appendingPathComponent(".build/python-abci-venv")
    static var python: String { venv.appendingPathComponent("bin/python").path }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    private static let ready = Task<Void, any Error> { try build() }

    /// Waits for the environment; every test shares one build.
    static func prepare() async throws { try await ready.value }

    private static func build() throws {
        let requirements = fixtures.appendingPathComponent("requirements.txt")
        let wanted = try String(contentsOf: requirements, encoding: .utf8)
        let marker = venv.appendingPathComponent("palisade-requirements.txt")
        if (try? String(contentsOf: marker, encoding: .utf8)) == wanted,
           FileManager.default.isExecutableFile(atPath: python) {
            return
        }
        try? FileManager.default.removeItem(at: venv)
        let version = try ProcessResult.run("/usr/bin/env", ["python3", "-c",
                                                             "import sys; print(sys.version_info >= (3, 10))"])
        guard version.status == 0, version.stdout.hasPrefix("True") else {
            throw SetupError(description: "the ABCI interop tests need python3 >= 3.10 on PATH: \(version.summary)")
        }
        let created = try ProcessResult.run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
        guard created.status == 0 else {
            throw SetupError(description: "python3 -m venv failed (Debian: apt-get install python3-venv): \(created.summary)")
        }
        let installed = try ProcessResult.run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q",
                                                       "-r", requirements.path])
        guard installed.status == 0 else {
            throw SetupError(description: "pip could not install the third-party ABCI library from PyPI "
                             + "(\(requirements.path)); the interop tests need PyPI: \(installed.summary)")
        }
        try wanted.write(to: marker, atomically: true, encoding: .utf8)
    }
}

/// A finished process's exit status and output.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var summary: String { "exit \(status)\n\(stderr.suffix(2000))\(stdout.suffix(1000))" }

    /// Runs to completion; both pipes are drained on their own threads so neither can fill up.
    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A long-running Python app: started, asked for the port it printed, terminated at the end.
final class PythonServer: Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    static func start(script: String) async throws -> PythonServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonEnvironment.python)
        process.arguments = [PythonEnvironment.fixtures.appendingPathComponent(script).path, "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            DispatchQueue.global().async {
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw PythonEnvironment.SetupError(description: "\(script) did not print its port; it printed \"\(line)\"")
        }
        return PythonServer(port: port, process: process)
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
