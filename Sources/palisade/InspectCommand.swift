import ArgumentParser
import Foundation
import Logging
import PalisadeNode

/// `palisade inspect`: CometBFT's `inspect`, the RPC of a stopped node over its stored data.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Serve the RPC of a stopped node from its block store and index (read-only).",
        discussion: """
            For looking at a node that halted without starting it: blocks, commits, results, \
            validators, parameters, transactions and searches answer from disk; consensus, mempool, \
            peers and the app answer with an error. The node cannot start while this runs.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .customLong("rpc-laddr"), help: "Listen address (default: the config's [rpc] laddr).")
    var rpcLaddr: String?

    func run() async throws {
        let address: ListenAddress?
        do { address = try rpcLaddr.map { text throws(ListenAddress.ParseError) in try ListenAddress(parsing: text) } } catch {
            throw ValidationError("--rpc-laddr \(error)")
        }
        let loaded: LoadedHome
        do { loaded = try homeOptions.nodeHome().load() } catch {
            FileHandle.standardError.write(Data("palisade inspect: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let logger = Logger(label: "palisade.inspect")
        let inspector: Inspector
        do { inspector = try Inspector(home: loaded, rpcAddress: address, logger: logger) } catch {
            FileHandle.standardError.write(Data("palisade inspect: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await ServeUntilSignal.run(command: "inspect", announce: { "inspect: serving the stored chain's RPC on port \($0)" },
                                       port: { await inspector.listeningPort() }, serve: { try await inspector.run() })
    }
}
