import Foundation
import PalisadeCrypto
import PalisadeP2P
import PalisadeTypes

/// `palisade testnet`: N validator homes (`node0` … `nodeN-1`) under one directory, sharing one
/// genesis, each listing every other node in `persistent_peers`. All nodes run on one host, so each
/// gets its own ports: node i listens on `p2pPort + i*portStep` and `rpcPort + i*portStep` (and,
/// for a `tcp://` app, connects to its own app at `appPort + i*portStep`; with `prometheusPort`,
/// serves metrics on `prometheusPort + i*portStep`).
public struct TestnetPlan: Sendable {
    public var validators: Int = 4
    public var chainID: String? = nil
    public var host: String = "127.0.0.1"
    public var p2pPort: Int = 26656
    public var rpcPort: Int = 26657
    public var portStep: Int = 10
    /// One stake per validator; empty means 10 each.
    public var powers: [Int64] = []
    public var timeoutCommit: Int64? = nil
    public var proxyApp: ProxyApp = .kvstore
    /// Node 0's Prometheus port; nil leaves `[instrumentation] prometheus` off.
    public var prometheusPort: Int? = nil

    public init() {}

    /// A flag value that cannot make a working testnet; names the flag.
    public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
        public var flag: String
        public var reason: String
        public var description: String { "\(flag): \(reason)" }
    }

    /// Node i's configuration, given every node's ID (for its peer list).
    public func config(node i: Int, nodeIDs: [String]) -> NodeConfig {
        var config = NodeConfig()
        config.moniker = "node\(i)"
        config.p2p.laddr = ListenAddress(host: host, port: p2pPort + i * portStep)
        config.rpc.laddr = ListenAddress(host: host, port: rpcPort + i * portStep)
        config.p2p.persistentPeers = nodeIDs.indices.filter { $0 != i }.map {
            PeerAddress(id: nodeIDs[$0], host: host, port: p2pPort + $0 * portStep)
        }
        if let timeoutCommit { config.consensus.timeoutCommit = timeoutCommit }
        if let prometheusPort {
            config.instrumentation.prometheus = true
            config.instrumentation.prometheusListenAddr = ListenAddress(host: host, port: prometheusPort + i * portStep)
        }
        config.proxyApp = switch proxyApp {
        case let .tcp(address): .tcp(ListenAddress(host: address.host, port: address.port + i * portStep))
        default: proxyApp
        }
        return config
    }

    /// Checks the flags together: counts, stakes, and that every port of every node is distinct
    /// and valid.
    public func validate() throws(PlanError) {
        guard (1...1000).contains(validators) else { throw PlanError(flag: "--validators", reason: "must be 1 to 1000, got \(validators)") }
        guard powers.isEmpty || powers.count == validators else {
            throw PlanError(flag: "--power", reason: "\(powers.count) values for \(validators) validators")
        }
        var total: Int64 = 0
        for power in powers {
            guard power > 0 else { throw PlanError(flag: "--power", reason: "every stake must be positive, got \(power)") }
            let (sum, overflow) = total.addingReportingOverflow(power)
            guard !overflow, sum <= GenesisDoc.maxTotalVotingPower else {
                throw PlanError(flag: "--power", reason: "total exceeds \(GenesisDoc.maxTotalVotingPower)")
            }
            total = sum
        }
        guard portStep >= 1 else { throw PlanError(flag: "--port-step", reason: "must be positive, got \(portStep)") }
        var seen: [Int: String] = [:]
        for i in 0..<validators {
            let node = self.config(node: i, nodeIDs: [])
            var ports = [("--p2p-port", node.p2p.laddr.port), ("--rpc-port", node.rpc.laddr.port)]
            if case let .tcp(app) = node.proxyApp { ports.append(("--proxy-app", app.port)) }
            if node.instrumentation.prometheus {
                ports.append(("--prometheus-port", node.instrumentation.prometheusListenAddr.port))
            }
            for (flag, port) in ports {
                guard (1...65_535).contains(port) else {
                    throw PlanError(flag: flag, reason: "node\(i) would use port \(port), outside 1...65535")
                }
                if let other = seen[port] {
                    throw PlanError(flag: flag, reason: "node\(i) would use port \(port), already taken by \(other); change --port-step or the ports")
                }
                seen[port] = "\(flag) of node\(i)"
            }
        }
    }

    /// Writes `output/node0` … with fresh keys from `generator` and one genesis for all. Refuses
    /// (before writing anything) when a node directory already exists.
    public func write(to output: String, genesisTime: Timestamp,
                      using generator: inout some RandomNumberGenerator) throws(NodeHomeError) -> [NodeHome] {
        do { try validate() } catch { throw .file(path: error.flag, reason: error.reason) }
        let roots = (0..<validators).map { "\(output)/node\($0)" }
        for root in roots where FileManager.default.fileExists(atPath: root) {
            throw .file(path: root, reason: "already exists; refusing to overwrite a node's home")
        }
        let keys = (0..<validators).map { _ in PrivValidatorKey.generate(using: &generator) }
        let nodeKeys = (0..<validators).map { _ in NodeKey.generate(using: &generator) }
        let genesis = GenesisDoc(
            genesisTime: genesisTime,
            chainID: chainID ?? "chain-" + NodeHome.randomSuffix(using: &generator),
            validators: keys.indices.map {
                GenesisValidator(publicKey: keys[$0].publicKey, power: powers.isEmpty ? 10 : powers[$0], name: "node\($0)")
            })
        do { try genesis.validate(fileName: "--chain-id") } catch { throw .genesis(error) }
        let ids = nodeKeys.map(\.id)
        var homes: [NodeHome] = []
        for i in 0..<validators {
            let home = NodeHome(root: roots[i], config: config(node: i, nodeIDs: ids))
            try home.create(genesis: genesis, privValidatorKey: keys[i], nodeKey: nodeKeys[i])
            homes.append(home)
        }
        return homes
    }
}
