import ArgumentParser
import Foundation
import Logging
import PalisadeCrypto
import PalisadeLight
import PalisadeNode

/// `palisade light`: CometBFT's `light` command, a verifying RPC proxy in front of a full node.
struct LightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "light",
        abstract: "Serve a full node's RPC with every header verified by a light client.",
        discussion: """
            Starts from a root of trust (--height and --hash, from a source you trust), verifies \
            every header it serves from there by skipping verification, and checks each new header \
            against the witnesses. block, block_by_hash, blockchain, commit, validators, status and \
            health are served; abci_query is served when the app's proof (the kvstore's) checks against \
            the verified app hash of the next height; methods whose answers cannot be checked against a \
            header are refused.
            """)

    @Argument(help: "The chain ID.") var chainID: String
    @Option(help: "The primary's RPC address (http://host:port or tcp://host:port).") var primary: String
    @Option(help: "Witnesses' RPC addresses, comma-separated.") var witnesses: String = ""
    @Option(help: "Trusted height.") var height: Int64
    @Option(help: "Trusted header hash at that height (hex).") var hash: String
    @Option(help: "Listen address.") var laddr: String = "tcp://localhost:8888"
    @Option(name: .customLong("trusting-period"), help: "How long a verified header stays trusted (e.g. 168h).")
    var trustingPeriod: String = "168h"
    @Option(name: .customLong("trust-level"), help: "Fraction of a trusted set that must sign a skipped-to header.")
    var trustLevel: String = "1/3"
    @Option(name: .customLong("max-clock-drift"), help: "How far in the future a header's time may be (e.g. 10s).")
    var maxClockDrift: String = "10s"

    func run() async throws {
        let configuration: LightProxy.Configuration
        do { configuration = try makeConfiguration() } catch { throw ValidationError("\(error)") }
        let logger = Logger(label: "palisade.light")
        let proxy: LightProxy
        do {
            proxy = try LightProxy(configuration: configuration, logger: logger)
            try await proxy.initialize()
        } catch {
            FileHandle.standardError.write(Data("palisade light: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await ServeUntilSignal.run(command: "light", announce: { "light: serving verified RPC on port \($0)" },
                                       port: { await proxy.listeningPort() }, serve: { try await proxy.run() })
    }

    struct FlagError: Error, CustomStringConvertible { let description: String }

    func makeConfiguration() throws -> LightProxy.Configuration {
        guard height > 0 else { throw FlagError(description: "--height must be positive") }
        let hexText = hash.hasPrefix("0x") ? String(hash.dropFirst(2)) : hash
        guard let trustHash = Bytes(hex: hexText), trustHash.count == SHA256Hash.size else {
            throw FlagError(description: "--hash must be 32 bytes of hex, got \(hash.debugDescription)")
        }
        let parts = trustLevel.split(separator: "/")
        guard parts.count == 2, let numerator = UInt64(parts[0]), let denominator = UInt64(parts[1]) else {
            throw FlagError(description: "--trust-level must be a fraction like 1/3, got \(trustLevel.debugDescription)")
        }
        let level = try TrustLevel(numerator: numerator, denominator: denominator)
        let listen: ListenAddress
        do { listen = try ListenAddress(parsing: laddr) } catch { throw FlagError(description: "--laddr \(error)") }
        return LightProxy.Configuration(
            chainID: chainID, primary: primary,
            witnesses: witnesses.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            trustHeight: height, trustHash: trustHash,
            options: VerificationOptions(trustingPeriod: try Self.duration(trustingPeriod, flag: "--trusting-period"),
                                         maxClockDrift: try Self.duration(maxClockDrift, flag: "--max-clock-drift"),
                                         trustLevel: level),
            listen: listen)
    }

    /// Go's duration syntax for the units an operator uses here: `168h`, `90m`, `10s`, `500ms`.
    static func duration(_ text: String, flag: String) throws -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value > 0 {
                let (total, overflow) = value.multipliedReportingOverflow(by: milliseconds)
                if !overflow { return .milliseconds(total) }
            }
        }
        throw FlagError(description: "\(flag) must be a positive duration like 168h, 90m or 10s, got \(text.debugDescription)")
    }
}
