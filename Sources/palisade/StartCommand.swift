import ArgumentParser
import Dispatch
import Foundation
import Glibc
import Logging
import PalisadeNode

/// `palisade start`: run the validator in the foreground until SIGINT or SIGTERM.
///
/// Exit status: 0 after a requested stop; 1 when start-up fails (the message names the file
/// and field, or the app address) or the node halts (app failure, app hash mismatch, storage).
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Run the validator.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .customLong("log-level"),
            help: "debug, info, warn, error, none, or module:level pairs like p2p:debug,*:error (default: config.toml's log_level).")
    var logLevel: String?

    func run() async throws {
        let loaded: LoadedHome
        do { loaded = try homeOptions.nodeHome().load() } catch {
            FileHandle.standardError.write(Data("palisade start: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let filter: LogLevelFilter
        do { filter = try LogLevelFilter(parsing: logLevel ?? loaded.config.logLevel) } catch {
            FileHandle.standardError.write(Data("palisade start: --log-level: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let format = loaded.config.logFormat
        LoggingSystem.bootstrap { label in NodeLogHandler(label: label, format: format, filter: filter) }
        let logger = Logger(label: "palisade")
        for warning in loaded.warnings { logger.warning("\(warning)") }

        let node: Node
        do { node = try await Node(home: loaded, logger: logger) } catch {
            logger.critical("start-up failed: \(error)")
            throw ExitCode(1)
        }
        let signals = Self.onTerminationSignals { node.stop() }
        defer { signals.forEach { $0.cancel() } }
        do { try await node.run() } catch {
            logger.critical("node halted: \(error)")
            throw ExitCode(1)
        }
        logger.notice("node stopped")
    }

    /// SIGINT and SIGTERM ask the node to stop after the event it is handling.
    static func onTerminationSignals(_ action: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }
}
