import Foundation
import Logging
import PalisadeCrypto
import PalisadeLight
import PalisadeRPC
import PalisadeTypes

/// `palisade light` (CometBFT's `light` command): a JSON-RPC server in front of an untrusted
/// primary, answering only with what the light client verified from the operator's root of trust.
public final class LightProxy: Sendable {
    public struct Configuration: Sendable {
        public var chainID: String
        public var primary: String
        public var witnesses: [String]
        public var trustHeight: Int64
        public var trustHash: Bytes
        public var options: VerificationOptions
        public var listen: ListenAddress

        public init(chainID: String, primary: String, witnesses: [String], trustHeight: Int64, trustHash: Bytes,
                    options: VerificationOptions, listen: ListenAddress) {
            self.chainID = chainID
            self.primary = primary
            self.witnesses = witnesses
            self.trustHeight = trustHeight
            self.trustHash = trustHash
            self.options = options
            self.listen = listen
        }
    }

    /// Seconds one request may take, verification included.
    static let queryTimeBudget: Double = 60

    let client: LightClient
    let server: RPCServer
    private let configuration: Configuration

    public init(configuration: Configuration, logger: Logger) throws {
        let primary = try RPCLightProvider(address: configuration.primary)
        let witnesses = try configuration.witnesses.map { address throws(LightProviderError) in
            try RPCLightProvider(address: address)
        }
        client = LightClient(chainID: configuration.chainID, primary: primary, witnesses: witnesses,
                             options: configuration.options, now: { SystemClock().now() })
        let rpc = try JSONRPCClient(address: configuration.primary)
        let backend = LightProxyBackend(client: client, primary: rpc, chainID: configuration.chainID)
        var serverConfiguration = RPCServerConfiguration(host: configuration.listen.host, port: configuration.listen.port)
        // One answer may need several round trips to the primary and each witness (bisection,
        // the cross-check, the block itself), each bounded by its own 10 s time-out: a node's
        // 10 s budget for a whole request would cut off verification that is still progressing.
        serverConfiguration.queryTimeBudget = Self.queryTimeBudget
        server = RPCServer(backend: backend, configuration: serverConfiguration, logger: logger)
        self.configuration = configuration
    }

    /// Verifies the root of trust against the primary and the witnesses; refuses to serve if any
    /// of them disagrees or the trusted block has expired.
    public func initialize() async throws {
        try await client.initialize(height: configuration.trustHeight, hash: configuration.trustHash)
    }

    public func listeningPort() async -> Int { await server.listeningPort() }

    /// Serves until the task is cancelled.
    public func run() async throws { try await server.run() }
}
