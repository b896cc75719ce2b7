import ArgumentParser
import Foundation
import Logging
import PalisadeABCI
import PalisadeABCISocket
import PalisadeApps

/// `palisade app NAME`: one of the bundled applications as an out-of-process ABCI server, the
/// way CometBFT runs apps (`proxy_app = "tcp://127.0.0.1:26658"`). Runs until SIGINT/SIGTERM.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "Serve a bundled application over ABCI sockets (CometBFT v0.38 wire format).")

    /// The bundled applications; a new one adds a case and a line in `makeApplication`.
    enum Name: String, CaseIterable, ExpressibleByArgument {
        case kvstore
        case staking
    }

    @Argument(help: "The application: \(Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var name: Name

    @Option(help: "Listen address: tcp://host:port or unix:///path.")
    var laddr: String = ABCISocket.defaultAddress

    @Option(help: "SQLite file that keeps the committed state across restarts (default: in memory only).")
    var db: String?

    @Option(name: .customLong("retain-blocks"),
            help: "kvstore: blocks the node keeps; each Commit answers retain_height = height - N + 1 (0 keeps all).")
    var retainBlocks: Int64 = 0

    @Option(name: .customLong("snapshot-interval"),
            help: "Take a state-sync snapshot of every height that is a multiple of N, in <db>-snapshots (0: none; needs --db).")
    var snapshotInterval: Int64 = 0

    @Option(name: .customLong("snapshot-keep-recent"), help: "How many of the latest snapshots are kept.")
    var snapshotKeepRecent: Int = 2

    /// A test fault for the end-to-end restart tests: FinalizeBlock at this height throws.
    @Option(name: .customLong("fail-finalize-at-height"),
            help: ArgumentHelp("Test fault: FinalizeBlock at this height throws (the node must halt).", visibility: .hidden))
    var failFinalizeAtHeight: Int64?

    /// A test fault for the rollback test: FinalizeBlock at this height answers a wrong app hash.
    @Option(name: .customLong("wrong-app-hash-at-height"),
            help: ArgumentHelp("Test fault: FinalizeBlock at this height answers a corrupted app hash.", visibility: .hidden))
    var wrongAppHashAtHeight: Int64?

    func run() async throws {
        guard retainBlocks >= 0 else { throw ValidationError("--retain-blocks: must not be negative, got \(retainBlocks)") }
        guard retainBlocks == 0 || name == .kvstore else { throw ValidationError("--retain-blocks: kvstore only") }
        guard snapshotInterval >= 0 else { throw ValidationError("--snapshot-interval: must not be negative, got \(snapshotInterval)") }
        guard snapshotInterval == 0 || db != nil else { throw ValidationError("--snapshot-interval: needs --db (snapshots go beside it)") }
        guard snapshotKeepRecent >= 1 else { throw ValidationError("--snapshot-keep-recent: at least 1, got \(snapshotKeepRecent)") }
        let address: ABCIAddress
        do {
            address = try ABCIAddress(parsing: laddr)
        } catch {
            throw ValidationError("--laddr: \(error.description)")
        }
        var app = try await makeApplication()
        if let failFinalizeAtHeight { app = FinalizeFaultApplication(inner: app, height: failFinalizeAtHeight) }
        if let wrongAppHashAtHeight {
            app = FinalizeFaultApplication(inner: app, height: wrongAppHashAtHeight, fault: .wrongAppHash)
        }
        let server = try await ABCISocketServer.start(serving: app, at: address)
        print("serving \(name.rawValue) on \(server.localAddress)")
        // SIGINT and SIGTERM close the listening socket and the connections, then run() returns.
        let watchers = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await server.close() } }
            source.resume()
            return source
        }
        await server.waitUntilClosed()
        withExtendedLifetime(watchers) {}
    }

    private func makeApplication() async throws -> any Application {
        switch name {
        case .kvstore:
            let app = if let db { try await KVStoreApplication.open(databasePath: db) } else { KVStoreApplication() }
            await app.retain(blocks: retainBlocks)
            if let snapshots { await app.enableSnapshots(directory: snapshots, interval: snapshotInterval) }
            return app
        case .staking:
            guard let db else { return StakingApplication() }
            let app = try await StakingApplication.open(databasePath: db)
            if let snapshots { await app.enableSnapshots(directory: snapshots, interval: snapshotInterval) }
            return app
        }
    }

    /// Where `--snapshot-interval` puts the snapshots: beside the database file.
    private var snapshots: SnapshotDirectory? {
        guard snapshotInterval > 0, let db else { return nil }
        return SnapshotDirectory(path: db + "-snapshots", keepRecent: snapshotKeepRecent)
    }
}
