import ArgumentParser
import Foundation
import Logging
import PalisadeABCISocket
import PalisadeNode
import PalisadeStorage

/// `palisade signer`: a remote signer for a node whose `priv_validator_laddr` is set. It dials the
/// node, answers CometBFT's privval requests from a key file with the file signer's double-sign
/// guard (the state file is fsynced before a signature leaves), and dials again whenever the
/// connection ends. For tests, and for operators without an HSM; tmkms or Horcrux take its place.
///
/// Exit status: 0 after SIGINT or SIGTERM; 1 when a file or option is wrong (the message names it).
struct SignerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signer", abstract: "Sign for a validator over the privval protocol (dials the node).")

    @Option(help: "The node's priv_validator_laddr: tcp://host:port or unix://path.")
    var addr: String

    @Option(help: "The validator's key file (priv_validator_key.json).")
    var key: String

    @Option(help: "The double-sign guard's state file (priv_validator_state.json); created if missing.")
    var state: String

    @Option(name: .customLong("chain-id"), help: "The only chain this signer signs for.")
    var chainID: String

    @Option(name: .customLong("log-level"), help: "debug, info, warn, error or none.")
    var logLevel = "info"

    func run() async throws {
        let address: ABCIAddress
        do { address = try ABCIAddress(parsing: addr) } catch { throw failure("--addr: \(error)") }
        let filter: LogLevelFilter
        do { filter = try LogLevelFilter(parsing: logLevel) } catch { throw failure("--log-level: \(error)") }
        LoggingSystem.bootstrap { label in NodeLogHandler(label: label, format: .plain, filter: filter) }
        let logger = Logger(label: "palisade").module(LogModule.privval)

        let file: FilePrivValidator
        do { file = try FilePrivValidator(keyPath: key, statePath: state) } catch { throw failure("\(error)") }
        let answerer = PrivvalAnswerer(signer: file, chainID: chainID)
        logger.notice("signer started", metadata: [
            "validator": "\(file.address)", "chain_id": "\(chainID)", "node": "\(address)"])
        let dialer = PrivvalDialer(address: address, answerer: answerer, logger: logger)
        let task = Task { await dialer.run() }
        let signals = StartCommand.onTerminationSignals { task.cancel() }
        defer { signals.forEach { $0.cancel() } }
        await task.value
        logger.notice("signer stopped")
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("palisade signer: \(message)\n".utf8))
        return ExitCode(1)
    }
}
