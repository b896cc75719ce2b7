import ArgumentParser
import PalisadeNode

/// `--home`, shared by every command that reads or writes a node's home directory.
struct HomeOptions: ParsableArguments {
    @Option(help: "The node's home directory (default: $PALISADE_HOME, else ~/.palisade).")
    var home: String?

    /// The chosen home, with its config.toml's paths when it has one.
    func nodeHome() throws -> NodeHome {
        try NodeHome(root: NodeHome.resolveRoot(option: home)).loadingConfigIfPresent()
    }
}
