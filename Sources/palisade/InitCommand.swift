import ArgumentParser
import Foundation
import PalisadeNode
import PalisadeP2P
import PalisadeTypes

/// `palisade init`: a one-validator home, or with `--genesis` a node joining a running network,
/// ready for `palisade start`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a home directory: config.toml, keys, sign state, and a genesis with this one validator.",
        discussion: """
            Refuses to overwrite an existing key, sign state or genesis. An existing config.toml is kept \
            (and then --persistent-peers, --p2p-laddr and --rpc-laddr are refused). To join a running \
            network, give its genesis file and some of its nodes: \
            palisade init --genesis genesis.json --persistent-peers ID@HOST:26656,... && palisade start. \
            The node follows the chain (block sync, then consensus) and signs only if its validator key \
            is, or becomes, part of the validator set.
            """)

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "The chain ID (default: test-chain-<random>).")
    var chainID: String?

    @Option(help: "The node's name (default: the host name).")
    var moniker: String?

    @Option(help: "The genesis file of a running network to join, copied as it is (instead of a new one-validator genesis).")
    var genesis: String?

    @Option(help: "[p2p] persistent_peers: comma-separated ID@HOST:PORT of nodes to keep connected to.")
    var persistentPeers: String?

    @Option(help: "[p2p] laddr, e.g. tcp://0.0.0.0:26656.")
    var p2pLaddr: String?

    @Option(help: "[rpc] laddr, e.g. tcp://127.0.0.1:26657.")
    var rpcLaddr: String?

    func options() throws -> InitOptions {
        var options = InitOptions(genesisFile: genesis)
        if let persistentPeers {
            do { options.persistentPeers = try PeerAddress.parseList(persistentPeers) } catch {
                throw ValidationError("--persistent-peers: \(error)")
            }
        }
        if let p2pLaddr {
            do { options.p2pLaddr = try ListenAddress(parsing: p2pLaddr) } catch { throw ValidationError("--p2p-laddr: \(error)") }
        }
        if let rpcLaddr {
            do { options.rpcLaddr = try ListenAddress(parsing: rpcLaddr) } catch { throw ValidationError("--rpc-laddr: \(error)") }
        }
        return options
    }

    func validate() throws { _ = try options() }

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let loaded = try NodeHome.initialize(
            root: NodeHome.resolveRoot(option: homeOptions.home), chainID: chainID,
            moniker: moniker ?? ProcessInfo.processInfo.hostName, genesisTime: .genesisNow(), options: options(),
            using: &generator)
        print("Initialized \(loaded.home.root)")
        print("  chain ID   \(loaded.genesis.chainID)")
        print("  validator  \(loaded.privValidatorKey.address)\(loaded.isGenesisValidator ? "" : " (not in the genesis validator set)")")
        print("  node ID    \(loaded.nodeKey.id)")
    }
}
