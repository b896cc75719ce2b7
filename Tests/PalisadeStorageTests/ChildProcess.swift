import Foundation

/// A child process with its output on pipes, read line by line. Tests put `killAndWait()` in a
/// `defer` so no child outlives its test.
final class ChildProcess {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffer = Data()

    init(_ path: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Blocks until `count` complete lines have arrived or the output ends.
    func readLines(atLeast count: Int) -> [String] {
        var lines: [String] = []
        while lines.count < count {
            if let line = takeLine() {
                lines.append(line)
                continue
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        return lines
    }

    /// Every complete line still unread; call after the process has exited.
    func remainingLines() -> [String] {
        buffer.append(output.fileHandleForReading.readDataToEndOfFile())
        var lines: [String] = []
        while let line = takeLine() { lines.append(line) }
        return lines
    }

    func standardError() -> String {
        String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func killAndWait() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func wait() { process.waitUntilExit() }

    var wasKilled: Bool { process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL }
    var status: Int32 { process.terminationStatus }

    private func takeLine() -> String? {
        guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        return line
    }
}
