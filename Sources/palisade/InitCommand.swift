import ArgumentParser
import Foundation
import PalisadeNode
import PalisadeTypes

/// `palisade init`: a one-validator home, ready for `palisade start`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a home directory: config.toml, keys, sign state, and a genesis with this one validator.",
        discussion: "Refuses to overwrite an existing key, sign state or genesis. An existing config.toml is kept.")

    @OptionGroup var homeOptions: HomeOptions

    @Option(help: "The chain ID (default: test-chain-<random>).")
    var chainID: String?

    @Option(help: "The node's name (default: the host name).")
    var moniker: String?

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let loaded = try NodeHome.initialize(
            root: NodeHome.resolveRoot(option: homeOptions.home), chainID: chainID,
            moniker: moniker ?? ProcessInfo.processInfo.hostName, genesisTime: .genesisNow(), using: &generator)
        print("Initialized \(loaded.home.root)")
        print("  chain ID   \(loaded.genesis.chainID)")
        print("  validator  \(loaded.privValidatorKey.address)")
        print("  node ID    \(loaded.nodeKey.id)")
    }
}
