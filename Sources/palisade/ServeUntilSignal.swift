import ArgumentParser
import Foundation

/// Runs a server until SIGINT or SIGTERM, for the commands that only serve (`inspect`, `light`):
/// the signal cancels the serving task, which ends cleanly; any other failure exits 1 naming
/// the command.
enum ServeUntilSignal {
    static func run(command: String, announce: @escaping @Sendable (Int) -> String,
                    port: @escaping @Sendable () async -> Int,
                    serve: @escaping @Sendable () async throws -> Void) async throws {
        let serving = Task { try await serve() }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { serving.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        Task {
            let bound = await port()
            if bound > 0 { print(announce(bound)) }
        }
        do { try await serving.value } catch is CancellationError {} catch {
            FileHandle.standardError.write(Data("palisade \(command): RPC server: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
